// A REST answer from the lab, checked as it arrives: the lab's envelope ({ok, result} or
// {ok: false, code, error}), then the result's own schema. Either the value, or one sentence.
import type { z } from 'zod';
import { commandResultSchema, describeValidationError } from '../../shared/protocol/commands.ts';

export type Answer<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseAnswer<T>(body: unknown, schema: z.ZodType<T>): Answer<T> {
  const envelope = commandResultSchema.safeParse(body);
  if (!envelope.success) return { ok: false, error: `not a lab answer (${describeValidationError(envelope.error)})` };
  if (!envelope.data.ok) return { ok: false, error: envelope.data.error };
  const result = schema.safeParse(envelope.data.result);
  if (!result.success) return { ok: false, error: `a malformed answer (${describeValidationError(result.error)})` };
  return { ok: true, value: result.data };
}

/** POSTs or GETs JSON and parses the answer; a network failure or a non-JSON body is an error too. */
export async function fetchAnswer<T>(url: string, schema: z.ZodType<T>, init?: RequestInit): Promise<Answer<T>> {
  try {
    const response = await fetch(url, init);
    return parseAnswer(await response.json(), schema);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
