// WebSocket frames, both directions. Every frame is JSON text; every incoming frame is validated.
import { z } from 'zod';
import { commandResultSchema, describeValidationError, labCommandSchema } from './commands.ts';
import { clusterEventSchema } from './events.ts';
import { clockViewSchema, clusterViewSchema } from './views.ts';

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('command'), id: z.number().int().nonnegative(), command: labCommandSchema }),
]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;

export const serverFrameSchema = z.discriminatedUnion('type', [
  /** First frame on a connection: protocol version, whether this connection may control the
   *  cluster (it presented the cluster's token) or only watch, and the whole current view. */
  z.object({
    type: z.literal('welcome'),
    protocol: z.number().int(),
    control: z.boolean(),
    /** digests: this connection sees a digest in place of every value (no token, values not public). */
    values: z.enum(['shown', 'digests']),
    /** The cluster shows values to watchers (the values-visibility command). */
    publicValues: z.boolean(),
    view: clusterViewSchema,
  }),
  /** Events batched per frame, with the clock as of sending so the page can extrapolate time.
   *  Values in them are digests when the welcome said so. */
  z.object({ type: z.literal('events'), events: z.array(clusterEventSchema), clock: clockViewSchema }),
  z.object({ type: z.literal('result'), id: z.number().int().nonnegative(), result: commandResultSchema }),
  /** A frame the server could not accept (bad JSON, unknown type); the connection stays open. */
  z.object({ type: z.literal('error'), error: z.string() }),
]);
export type ServerFrame = z.infer<typeof serverFrameSchema>;

export type ParseOutcome<T> = { ok: true; value: T } | { ok: false; error: string };

function parseJsonFrame<T>(text: string, schema: z.ZodType<T>): ParseOutcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'frame is not valid JSON' };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, error: describeValidationError(parsed.error) };
}

export const parseClientFrame = (text: string): ParseOutcome<ClientFrame> => parseJsonFrame(text, clientFrameSchema);
export const parseServerFrame = (text: string): ParseOutcome<ServerFrame> => parseJsonFrame(text, serverFrameSchema);
