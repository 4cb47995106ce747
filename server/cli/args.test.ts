import { describe, expect, it } from 'vitest';
import { UsageError, parseArgs } from './args.ts';

describe('npm start flags', () => {
  it('defaults to loopback:8200, 5 nodes, ./data, teaching', () => {
    expect(parseArgs([], {})).toEqual({ host: '127.0.0.1', port: 8200, nodes: 5, dataDir: './data', profile: 'teaching', allowedHosts: [] });
  });

  it('reads PORT and every flag, in both --flag value and --flag=value forms', () => {
    expect(parseArgs(['--host', '0.0.0.0', '--nodes=3', '--data-dir', '/tmp/x', '--profile', 'production'], { PORT: '9000' })).toEqual({
      host: '0.0.0.0',
      port: 9000,
      nodes: 3,
      dataDir: '/tmp/x',
      profile: 'production',
      allowedHosts: [],
    });
    expect(parseArgs(['--port', '8300'], { PORT: '9000' }).port).toBe(8300);
    expect(parseArgs(['--http-rate', '5000'], {}).httpRate).toBe(5000);
    expect(parseArgs(['--allowed-host', 'lab.example', '--allowed-host=class.local'], {}).allowedHosts).toEqual(['lab.example', 'class.local']);
    expect(parseArgs(['--max-connections', '300'], {}).maxConnections).toBe(300);
    expect(parseArgs(['--public-values'], {}).publicValues).toBe(true);
  });

  it('refuses bad values with a message naming the flag', () => {
    expect(() => parseArgs(['--nodes', '12'], {})).toThrow(/--nodes must be 1–9/);
    expect(() => parseArgs(['--port', 'http'], {})).toThrow(/--port must be a port/);
    expect(() => parseArgs(['--profile', 'fast'], {})).toThrow(UsageError);
    expect(() => parseArgs(['--bogus'], {})).toThrow(/unknown option --bogus/);
    expect(() => parseArgs(['--http-rate', '0'], {})).toThrow(/--http-rate/);
    expect(() => parseArgs(['--port'], {})).toThrow(/needs a value/);
    expect(() => parseArgs(['--allowed-host', 'evil.example/x'], {})).toThrow(/--allowed-host takes a host name/);
    expect(() => parseArgs(['--server-id', 'a b'], {})).toThrow(/--server-id takes/);
  });

  it('takes a server id for the X-Raftlab-Server header', () => {
    expect(parseArgs(['--server-id', 'room-2:s1'], {}).serverId).toBe('room-2:s1');
    expect(parseArgs([], {}).serverId).toBeUndefined();
  });

  it('takes the other servers of a workshop as --peer URLs, and refuses what is not one', () => {
    expect(parseArgs(['--peer', 'http://10.0.0.2:8200', '--peer=http://127.0.0.1:8202'], {}).peers).toEqual(['http://10.0.0.2:8200', 'http://127.0.0.1:8202']);
    expect(() => parseArgs(['--peer', 'file:///etc/passwd'], {})).toThrow(/--peer takes a server's base URL/);
    expect(() => parseArgs(['--peer', 'http://a/b?c'], {})).toThrow(/--peer/);
  });

  it("takes the nodes' own API ports as a base, 0 (system-picked) or off, and refuses anything else", () => {
    expect(parseArgs(['--node-ports', '9100'], {}).nodePorts).toBe(9100);
    expect(parseArgs(['--node-ports=0'], {}).nodePorts).toBe(0);
    expect(parseArgs(['--node-ports', 'off'], {}).nodePorts).toBe('off');
    expect(parseArgs([], {}).nodePorts).toBeUndefined();
    expect(() => parseArgs(['--node-ports', '-1'], {})).toThrow(/--node-ports takes a base port/);
    expect(() => parseArgs(['--node-ports', '65000'], {})).toThrow(/--node-ports/);
    expect(() => parseArgs(['--node-ports', '8e3'], {})).toThrow(/--node-ports/);
  });
});
