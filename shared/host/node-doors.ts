// Where messages wait for a paused node, for both buses (the server's and the simulator's). A
// paused node's process is frozen: what is delivered to it waits at its door, in arrival order,
// and goes in all at once when it resumes, or is lost with it if it dies.
export interface AddressedMessage {
  readonly id: number;
  readonly to: string;
}

export class NodeDoors<T extends AddressedMessage> {
  private readonly doors = new Map<string, T[]>();

  /** Leaves `item` at its receiver's door. */
  park(item: T): void {
    const door = this.doors.get(item.to);
    if (door) door.push(item);
    else this.doors.set(item.to, [item]);
  }

  /** The waiting message with this id, if any. */
  find(id: number): T | undefined {
    for (const door of this.doors.values()) {
      const waiting = door.find((item) => item.id === id);
      if (waiting) return waiting;
    }
    return undefined;
  }

  /** Takes the waiting message with this id away from its door, if there is one. */
  take(id: number): T | undefined {
    for (const [node, door] of this.doors) {
      const at = door.findIndex((item) => item.id === id);
      if (at < 0) continue;
      const [item] = door.splice(at, 1);
      if (door.length === 0) this.doors.delete(node);
      return item;
    }
    return undefined;
  }

  /** Everything waiting for `node`, in arrival order; its door is empty afterwards. */
  empty(node: string): T[] {
    const door = this.doors.get(node) ?? [];
    this.doors.delete(node);
    return door;
  }

  /** Every waiting message, door by door. */
  all(): T[] {
    return [...this.doors.values()].flat();
  }
}
