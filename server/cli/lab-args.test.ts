import { describe, expect, it } from 'vitest';
import { LabUsageError, parseLabArgs } from './lab-args.ts';

describe('npm run lab -- …', () => {
  it('builds typed commands from words and field=value pairs', () => {
    expect(parseLabArgs(['kill', 'n2'], {}).action).toEqual({ kind: 'command', command: { type: 'kill', node: 'n2' } });
    expect(parseLabArgs(['put', 'color', 'deep', 'blue', 'cas=0'], {}).action).toEqual({ kind: 'command', command: { type: 'put', key: 'color', value: 'deep blue', cas: 0 } });
    expect(parseLabArgs(['clock', 'speed=0.5', 'paused=true'], {}).action).toEqual({ kind: 'command', command: { type: 'clock', speed: 0.5, paused: true } });
    expect(parseLabArgs(['partition', 'groups=[["n1"],["n2","n3"]]'], {}).action).toMatchObject({ command: { type: 'partition', groups: [['n1'], ['n2', 'n3']] } });
    const options = parseLabArgs(['--cluster', 'lab-1', '--url', 'http://h:1/', 'status'], { RAFTLAB_TOKEN: 'tok-12345678' });
    expect(options).toMatchObject({ cluster: 'lab-1', url: 'http://h:1', token: 'tok-12345678', action: { kind: 'status' } });
  });

  it('refuses what the server would refuse, with the same message', () => {
    expect(() => parseLabArgs(['kill', 'x1'], {})).toThrow(LabUsageError);
    expect(() => parseLabArgs(['clock', 'speed=99'], {})).toThrow(/speed/);
    expect(() => parseLabArgs(['explode'], {})).toThrow(LabUsageError);
  });
});
