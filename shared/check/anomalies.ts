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
  const confirmed = (candidate: Anomaly): Anomaly | undefined => (isLinearizable(candidate.ops, candidate.initial).ok ? undefined : candidate);

  for (const [version, puts] of [...putsByVersion].sort((a, b) => a[0] - b[0])) {
    if (puts.length > 1) {
      const found = confirmed({ ops: puts.slice(0, 2), initial: stateAt(version - 1), summary: `Two writes both created version ${version}: one of them must have been lost or applied twice.` });
      if (found) return found;
    }
  }
  const byCall = [...ops].sort((a, b) => a.call - b.call);
  for (const read of byCall) {
    if (read.output?.op !== 'get' || read.return === null) continue;
    const seen = read.output.version;
    // Stale read: a newer version had been acknowledged before this read was even sent.
    let newest: Op | undefined;
    let newestVersion = Infinity;
    for (const [version, puts] of putsByVersion) {
      if (version <= seen || version >= newestVersion) continue;
      const done = puts.find((p) => p.return !== null && p.return < read.call);
      if (done !== undefined) {
        newest = done;
        newestVersion = version;
      }
    }
    if (newest !== undefined) {
      const found = confirmed({ ops: [newest, read], initial: stateAt(newestVersion - 1), summary: `Stale read: version ${newestVersion} was acknowledged before the read was sent, yet the read returned version ${seen}.` });
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
    }
    // A delete acknowledged before the read, yet the read saw that version alive.
    if (!read.output.deleted && seen > 0) {
      const deletion = byCall.find((d) => d.output?.op === 'delete' && d.output.version === seen && d.return !== null && d.return < read.call);
      if (deletion !== undefined) {
        const found = confirmed({ ops: [deletion, read], initial: stateAt(seen), summary: `Version ${seen} was deleted before the read was sent, yet the read still saw it.` });
        if (found) return found;
      }
    }
  }
  return undefined;
}
