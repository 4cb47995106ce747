import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand, KvCommandError, type KvCommand } from './commands.ts';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './limits.ts';

describe('KV commands', () => {
  it('round-trips a put and a delete through Entry.data text', () => {
    const put: KvCommand = { op: 'put', key: 'app/db', data: { password: 's3cret' }, cas: 2, client: 'c1', seq: 7, time: 1000 };
    const del: KvCommand = { op: 'delete', key: 'app/db', time: 2000 };
    expect(decodeCommand(encodeCommand(put))).toEqual(put);
    expect(decodeCommand(encodeCommand(del))).toEqual(del);
  });

  it('encodes the same command to the same text whatever the field order', () => {
    const a = encodeCommand({ op: 'put', key: 'k', data: { a: 1 }, time: 5 });
    const b = encodeCommand({ time: 5, data: { a: 1 }, key: 'k', op: 'put' } as KvCommand);
    expect(a).toBe(b);
  });

  it.each([
    ['not JSON', 'put k', /must be JSON text/],
    ['an array', '[]', /must be a JSON object/],
    ['an unknown op', '{"op":"get","key":"k","time":1}', /"op" must be "put", "delete" or "restore"/],
    ['a missing time', '{"op":"delete","key":"k"}', /"time" must be an integer from 0 to 253402300799999/],
    ['a negative cas', '{"op":"put","key":"k","data":{},"cas":-1,"time":1}', /"cas" must be/],
    ['data as an array', '{"op":"put","key":"k","data":[1],"time":1}', /"data" must be a JSON object/],
    ['an empty key', '{"op":"delete","key":"","time":1}', /the key is empty/],
    ['a double slash', '{"op":"delete","key":"a//b","time":1}', /empty path segment/],
    ['a control char', '{"op":"delete","key":"a\\nb","time":1}', /only letters, digits and \. _ - \//],
    ['client without seq', '{"op":"delete","key":"k","client":"c","time":1}', /"seq" must be a positive integer/],
    ['seq without client', '{"op":"delete","key":"k","seq":1,"time":1}', /"client" must be a non-empty string/],
    ['an unknown field', '{"op":"delete","key":"k","data":{},"time":1}', /unknown field "data"/],
  ])('rejects %s with a clear message', (_name, text, message) => {
    expect(() => decodeCommand(text)).toThrow(KvCommandError);
    expect(() => decodeCommand(text)).toThrow(message);
  });

  it('enforces the key and value size limits in bytes', () => {
    expect(() => encodeCommand({ op: 'delete', key: 'k'.repeat(MAX_KEY_BYTES + 1), time: 1 })).toThrow(/limit is 512/);
    encodeCommand({ op: 'delete', key: 'k'.repeat(MAX_KEY_BYTES), time: 1 });
    // Keys are Vault paths of plain characters: what a URL, a file name and a log line show as is.
    expect(() => encodeCommand({ op: 'delete', key: 'é', time: 1 })).toThrow(/only letters, digits/);
    const big = { v: 'x'.repeat(MAX_VALUE_BYTES) };
    expect(() => encodeCommand({ op: 'put', key: 'k', data: big, time: 1 })).toThrow(/limit is 65536/);
  });
});
