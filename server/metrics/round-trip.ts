// The round trip between two peers, for etcd_network_peer_round_trip_time_seconds. etcd measures it
// by pinging each peer (rafthttp's prober); the lab's nodes already ping: a leader's Heartbeat and
// the follower's HeartbeatResponse. The time from a heartbeat's send to its answer's delivery back
// at the leader is one round trip, in the cluster's clock (virtual time: production timing whatever
// the speed), network delay and the follower's turn included. An answer is matched to the latest
// unanswered heartbeat on that link: a lost heartbeat is replaced by the next, and a duplicated
// answer counts once.
import type { ClusterEvent } from '../../shared/protocol/events.ts';

/** Answers in flight are few (one per follower per heartbeat); past this something is being lost. */
const MAX_TRACKED = 4096;

export class RoundTrips {
  /** `${leader}>${follower}` → when the latest unanswered heartbeat left (virtual ms). */
  private readonly sentAt = new Map<string, number>();
  /** HeartbeatResponse id → the link it answers. */
  private readonly answers = new Map<number, string>();

  constructor(private readonly observe: (from: string, to: string, seconds: number) => void) {}

  onEvent(event: ClusterEvent): void {
    if (event.type === 'message-sent') {
      const message = event.message;
      if (message.kind === 'Heartbeat') {
        if (this.sentAt.size >= MAX_TRACKED) this.sentAt.clear();
        this.sentAt.set(`${message.from}>${message.to}`, message.sentAt);
      } else if (message.kind === 'HeartbeatResponse') {
        const link = `${message.to}>${message.from}`;
        if (!this.sentAt.has(link)) return;
        if (this.answers.size >= MAX_TRACKED) this.answers.clear();
        this.answers.set(message.id, link);
      }
    } else if (event.type === 'message-delivered') {
      const link = this.answers.get(event.id);
      if (link === undefined) return;
      this.answers.delete(event.id);
      const sent = this.sentAt.get(link);
      if (sent === undefined) return;
      this.sentAt.delete(link);
      const [from, to] = link.split('>') as [string, string];
      this.observe(from, to, Math.max(0, event.time - sent) / 1000);
    } else if (event.type === 'message-dropped') {
      this.answers.delete(event.id);
    }
  }
}
