// Maelstrom's node protocol (jepsen-io/maelstrom doc/protocol.md) and the lin-kv workload
// (doc/workloads.md), as zod schemas: every line a foreign node prints is validated against these
// before anything of it reaches the bus, a client or the page.
import { z } from 'zod';

/** Node and client addresses: Maelstrom's are short strings ("n1", "c3"); ours too. */
const address = z.string().min(1).max(64);
const msgId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A body: a type, optional msg_id / in_reply_to, and whatever else the type carries. */
export const bodySchema = z.looseObject({
  type: z.string().min(1).max(40),
  msg_id: msgId.optional(),
  in_reply_to: msgId.optional(),
});
export type MaelstromBody = z.infer<typeof bodySchema>;

/** Unknown top-level keys are stripped: only src, dest and body travel on. */
export const envelopeSchema = z.object({ src: address, dest: address, body: bodySchema });
export type Envelope = z.infer<typeof envelopeSchema>;

/** Maelstrom's error codes (doc/protocol.md#errors). Timeout and crash are indefinite: the
 *  operation may have happened; every other code says it definitely did not. */
export const ERROR_CODES = {
  timeout: 0,
  'node-not-found': 1,
  'not-supported': 10,
  'temporarily-unavailable': 11,
  'malformed-request': 12,
  crash: 13,
  abort: 14,
  'key-does-not-exist': 20,
  'key-already-exists': 21,
  'precondition-failed': 22,
  'txn-conflict': 30,
} as const;
export type ErrorName = keyof typeof ERROR_CODES;

const NAME_OF_CODE = new Map<number, ErrorName>(Object.entries(ERROR_CODES).map(([name, code]) => [code, name as ErrorName]));

export function errorName(code: number): string {
  return NAME_OF_CODE.get(code) ?? `error ${code}`;
}

export function isDefinite(code: number): boolean {
  return code !== ERROR_CODES.timeout && code !== ERROR_CODES.crash;
}

// ── init ───────────────────────────────────────────────────────────────────────────────────────
export const initSchema = z.looseObject({ type: z.literal('init'), msg_id: msgId, node_id: address, node_ids: z.array(address) });
export const initOkSchema = z.looseObject({ type: z.literal('init_ok'), in_reply_to: msgId });

// ── lin-kv (doc/workloads.md#workload-lin-kv): values are any JSON, keys too ──────────────────
const json: z.ZodType<unknown> = z.unknown();
export const readSchema = z.looseObject({ type: z.literal('read'), msg_id: msgId, key: json });
export const writeSchema = z.looseObject({ type: z.literal('write'), msg_id: msgId, key: json, value: json });
export const casSchema = z.looseObject({ type: z.literal('cas'), msg_id: msgId, key: json, from: json, to: json });

/** What a node may answer a lab client's lin-kv request with. */
export const linKvReplySchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('read_ok'), in_reply_to: msgId, value: json }),
  z.looseObject({ type: z.literal('write_ok'), in_reply_to: msgId }),
  z.looseObject({ type: z.literal('cas_ok'), in_reply_to: msgId }),
  z.looseObject({ type: z.literal('error'), in_reply_to: msgId, code: z.number().int(), text: z.string().max(2000).optional() }),
]);
export type LinKvReply = z.infer<typeof linKvReplySchema>;

/** A message the lab sends a node, built with the schema's shape so a typo is a type error. */
export function envelope(src: string, dest: string, body: MaelstromBody): Envelope {
  return { src, dest, body };
}
