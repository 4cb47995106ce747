// Recognisable anomalies of a versioned register, each with a two-operation witness a student can
// read at a glance ("put returned v2, and a read called after that still saw v1"). Every successful
// put reports its version, so versions pin down what a read must have seen. A witness is only used
// after the search confirms that it is not linearizable on its own from the state it starts in.
import { EMPTY_REGISTER, type Op, type RegisterState } from './kv-model.ts';
import { isLinearizable } from './wgl.ts';

export interface Anomaly {
  readonly ops: Op[];
  readonly initial: RegisterState;
  readonly summary: string;
}

export function findAnomaly(ops: readonly Op[]): Anomaly | undefined {
  const putsByVersion = new Map<number, Op[]>();
  for (const op of ops) {
    if (op.output?.op === 'put' && op.output.ok) {
      const list = putsByVersion.get(op.output.version) ?? [];
      list.push(op);
      putsByVersion.set(op.output.version, list);
    }
  }
  const stateAt = (version: number): RegisterState => {
    if (version <= 0) return EMPTY_REGISTER;
    const put = putsByVersion.get(version)?.[0];
    return { version, deleted: false, value: put?.input.op === 'put' ? put.input.value : null };
  };
  // Two or three operations: a search of a handful of states, never near the default budget.
  const confirmed = (candidate: Anomaly): Anomaly | undefined => (isLinearizable(candidate.ops, candidate.initial).verdict === 'violation' ? candidate : undefined);

  for (const [version, puts] of [...putsByVersion].sort((a, b) => a[0] - b[0])) {
    if (puts.length > 1) {
      const found = confirmed({ ops: puts.slice(0, 2), initial: stateAt(version - 1), summary: `Two writes both created version ${version}: one of them must have been lost or applied twice.` });
      if (found) return found;
    }
  }
  const byCall = [...ops].sort((a, b) => a.call - b.call);
  // Sweep reads in call order while adding acknowledged puts in return order, keeping their
  // versions sorted: "the oldest version newer than what the read saw, already acknowledged"
  // is then a binary search (the whole scan is O(n log n) on 10,000-operation histories).
  const acknowledged = ops.filter((o) => o.output?.op === 'put' && o.output.ok && o.return !== null).sort((a, b) => a.return! - b.return!);
  const ackedVersions: number[] = [];
  const ackedPut = new Map<number, Op>();
  let nextAck = 0;
  const firstDelete = new Map<number, Op>();
  for (const d of ops) {
    if (d.output?.op !== 'delete' || d.output.version === undefined || d.return === null) continue;
    const known = firstDelete.get(d.output.version);
    if (known === undefined || d.return < known.return!) firstDelete.set(d.output.version, d);
  }
  for (const read of byCall) {
    while (nextAck < acknowledged.length && acknowledged[nextAck]!.return! < read.call) {
      const put = acknowledged[nextAck++]!;
      const version = (put.output as { version: number }).version;
      if (!ackedPut.has(version)) {
        ackedPut.set(version, put);
        ackedVersions.splice(upperBound(ackedVersions, version), 0, version);
      }
    }
    if (read.output?.op !== 'get' || read.return === null) continue;
    const seen = read.output.version;
    // Stale read: a newer version had been acknowledged before this read was even sent.
    const newerVersion = ackedVersions[upperBound(ackedVersions, seen)];
    if (newerVersion !== undefined) {
      const found = confirmed({ ops: [ackedPut.get(newerVersion)!, read], initial: stateAt(newerVersion - 1), summary: `Stale read: version ${newerVersion} was acknowledged before the read was sent, yet the read returned version ${seen}.` });
      if (found) return found;
    }
    if (seen > 0) {
      const writer = putsByVersion.get(seen)?.[0];
      if (writer !== undefined && writer.call > read.return) {
        const found = confirmed({ ops: [read, writer], initial: stateAt(seen - 1), summary: `Read from the future: the read returned version ${seen} before the write that created it was sent.` });
        if (found) return found;
      }
      if (writer !== undefined && !read.output.deleted && writer.input.op === 'put' && read.output.value !== writer.input.value) {
        const found = confirmed({ ops: [writer, read], initial: stateAt(seen - 1), summary: `The read returned version ${seen} with a value that write never wrote.` });
        if (found) return found;
      }
      // A delete acknowledged before the read, yet the read saw that version alive.
      const deletion = firstDelete.get(seen);
      if (!read.output.deleted && deletion !== undefined && deletion.return! < read.call) {
        const found = confirmed({ ops: [deletion, read], initial: stateAt(seen), summary: `Version ${seen} was deleted before the read was sent, yet the read still saw it.` });
        if (found) return found;
      }
    }
  }
  return undefined;
}

/** Index of the first element of sorted `values` greater than `x`. */
function upperBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
