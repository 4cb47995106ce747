// An operator's COMMAND is split into argv here, without a shell.
import { describe, expect, it } from 'vitest';
import { CommandLineError, commandArgv, splitCommandLine } from './command-line.ts';

describe('splitCommandLine', () => {
  it('splits on blanks, groups quoted words, escapes with a backslash, and gives $ ; | * no meaning', () => {
    expect(splitCommandLine(`python3  node.py --name "my node" 'a b' c\\ d`)).toEqual(['python3', 'node.py', '--name', 'my node', 'a b', 'c d']);
    expect(splitCommandLine('run $HOME; rm -rf * | cat')).toEqual(['run', '$HOME;', 'rm', '-rf', '*', '|', 'cat']);
    expect(splitCommandLine(`x "" ''`)).toEqual(['x', '', '']);
  });

  it('refuses an empty command, an unclosed quote and a lone backslash', () => {
    expect(() => splitCommandLine('   ')).toThrow(CommandLineError);
    expect(() => splitCommandLine('node "x')).toThrow(/unclosed " quote/);
    expect(() => splitCommandLine('node x\\')).toThrow(/lone backslash/);
  });
});

describe('commandArgv', () => {
  it('runs a .js path under this Node and a .ts path under this Node with tsx, paths made absolute', () => {
    expect(commandArgv('examples/node.js --fast', '/srv/lab')).toEqual([process.execPath, '/srv/lab/examples/node.js', '--fast']);
    const ts = commandArgv('examples/node.ts', '/srv/lab');
    expect(ts[0]).toBe(process.execPath);
    expect(ts.slice(1, 2)).toEqual(['--import']);
    expect(ts[2]).toMatch(/^file:.*tsx/);
    expect(ts[3]).toBe('/srv/lab/examples/node.ts');
  });

  it('leaves a bare program name to PATH and anchors a relative one to the server directory', () => {
    expect(commandArgv('python3 raft.py', '/srv/lab')).toEqual(['python3', 'raft.py']);
    expect(commandArgv('./bin/raft --id', '/srv/lab')).toEqual(['/srv/lab/bin/raft', '--id']);
  });
});
