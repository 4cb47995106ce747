// The sequential specification the linearizability checker compares against: one versioned
// KV register per key, with the semantics of shared/kv (put with optional cas, soft delete, get).
// Maelstrom's lin-kv (a foreign cluster's store) is the same register seen without its versions:
// a write or a cas (`from`: it compares values) is answered `written`, a read answers a `value`.
// Versions still order the states; those answers just do not pin them down.

export type KvOpInput =
  | {
      readonly op: 'put';
      /** Canonical JSON text of the value. */ readonly value: string;
      readonly cas?: number;
      /** lin-kv's cas: only if the key exists and holds this value. */ readonly from?: string;
    }
  | { readonly op: 'delete' }
  | { readonly op: 'get' };

export type KvOpOutput =
  | { readonly op: 'put'; readonly ok: true; readonly version: number }
  | { readonly op: 'put'; readonly ok: false; /** Current version the store reported, if known. */ readonly current?: number }
  | { readonly op: 'delete'; readonly version?: number }
  /** version 0 = the key does not exist; deleted = its latest version is soft-deleted. */
  | { readonly op: 'get'; readonly version: number; readonly deleted: boolean; readonly value: string | null }
  /** lin-kv: a write or cas acknowledged (no version said). */
  | { readonly op: 'written' }
  /** lin-kv: a read's value (null: the key does not exist; no version said). */
  | { readonly op: 'value'; readonly value: string | null };

/** One client operation as the client saw it. */
export interface Op {
  readonly id: number;
  readonly client: string;
  readonly key: string;
  /** Virtual time the client sent it. */
  readonly call: number;
  /** Virtual time the answer arrived; null = timed out (it may or may not have taken effect). */
  readonly return: number | null;
  readonly input: KvOpInput;
  /** Absent exactly when the outcome is unknown (return === null). */
  readonly output?: KvOpOutput;
}

export interface RegisterState {
  readonly version: number;
  readonly deleted: boolean;
  readonly value: string | null;
}

export const EMPTY_REGISTER: RegisterState = { version: 0, deleted: false, value: null };

export function stateKey(s: RegisterState): string {
  return `${s.version}${s.deleted ? 'd' : ''}${s.value === null ? '' : `:${s.value}`}`; // a value of '' is not null
}

/** The next state if `op` may take effect in state `s` with the output it reported, else null. */
export function stepRegister(s: RegisterState, input: KvOpInput, output: KvOpOutput | undefined): RegisterState | null {
  switch (input.op) {
    case 'put': {
      const applies =
        input.from !== undefined
          ? s.version !== 0 && !s.deleted && s.value === input.from
          : input.cas === undefined || (input.cas === 0 ? s.version === 0 || s.deleted : input.cas === s.version);
      const written: RegisterState = { version: s.version + 1, deleted: false, value: input.value };
      if (output === undefined) return applies ? written : s;
      if (output.op === 'written') return applies ? written : null;
      if (output.op !== 'put') return null;
      if (output.ok) return applies && output.version === s.version + 1 ? written : null;
      return !applies && (output.current === undefined || output.current === s.version) ? s : null;
    }
    case 'delete': {
      const next = s.version === 0 ? s : { ...s, deleted: true };
      if (output === undefined) return next;
      if (output.op !== 'delete') return null;
      return output.version === undefined || output.version === s.version ? next : null;
    }
    case 'get': {
      if (output === undefined) return s;
      if (output.op === 'value') return output.value === (s.version !== 0 && !s.deleted ? s.value : null) ? s : null;
      if (output.op !== 'get' || output.version !== s.version || output.deleted !== s.deleted) return null;
      // A missing or deleted key has no value to give: a read that reports one anyway is wrong.
      const visible = s.version !== 0 && !s.deleted;
      return output.value === (visible ? s.value : null) ? s : null;
    }
  }
}

/** True when the op can never change the state (so dropping it from a history is safe). */
export function hasNoEffect(op: Op): boolean {
  return op.input.op === 'get' || (op.output?.op === 'put' && !op.output.ok);
}

export function describeOp(op: Op): string {
  const input =
    op.input.op === 'put'
      ? `put ${op.input.value}${op.input.cas === undefined ? '' : ` cas=${op.input.cas}`}${op.input.from === undefined ? '' : ` if ${op.input.from}`}`
      : op.input.op;
  const output = op.output === undefined ? 'unknown (timed out)' : describeOutput(op.output);
  const end = op.return === null ? '∞' : String(op.return);
  return `${op.client} [${op.call}, ${end}] ${input} → ${output}`;
}

function describeOutput(out: KvOpOutput): string {
  switch (out.op) {
    case 'written':
      return 'ok';
    case 'value':
      return out.value ?? 'not found';
    case 'put':
      return out.ok ? `ok v${out.version}` : `cas mismatch${out.current === undefined ? '' : ` (current v${out.current})`}`;
    case 'delete':
      return out.version === undefined ? 'ok' : `ok v${out.version}`;
    case 'get':
      if (out.version === 0) return 'not found';
      return out.deleted ? `v${out.version} deleted` : `v${out.version} ${out.value ?? ''}`;
  }
}
