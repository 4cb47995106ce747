// An operator's COMMAND (`--implementation NAME=COMMAND`) as the argv a node process is spawned
// with. It is split here, never handed to a shell: quotes group words and a backslash escapes one
// character, and nothing else is special (no $VAR, no globs, no pipes). A path ending in .js/.mjs
// runs under this Node, a .ts/.mts path under this Node with tsx's loader.
import { isAbsolute, resolve } from 'node:path';

export class CommandLineError extends Error {}

export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quote === "'") {
      if (char === "'") quote = null;
      else word += char;
      continue;
    }
    if (char === '\\') {
      const next = line[++i];
      if (next === undefined) throw new CommandLineError('the command ends with a lone backslash');
      word += next;
      inWord = true;
      continue;
    }
    if (quote === '"') {
      if (char === '"') quote = null;
      else word += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (/\s/.test(char)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (quote) throw new CommandLineError(`the command has an unclosed ${quote} quote`);
  if (inWord) words.push(word);
  if (words.length === 0) throw new CommandLineError('the command is empty');
  return words;
}

/** The argv to spawn: paths resolved against `cwd` (the server's, not the node's directory, which
 *  becomes the process's cwd), a script run by this Node. */
export function commandArgv(line: string, cwd: string = process.cwd()): string[] {
  const [program, ...args] = splitCommandLine(line);
  if (/\.(m?js|cjs)$/.test(program!)) return [process.execPath, absolute(program!, cwd), ...args];
  if (/\.m?ts$/.test(program!)) return [process.execPath, '--import', import.meta.resolve('tsx'), absolute(program!, cwd), ...args];
  // A relative path with a slash (./node.py, bin/raft) must not depend on the node's own cwd.
  return [program!.includes('/') ? absolute(program!, cwd) : program!, ...args];
}

function absolute(path: string, cwd: string): string {
  return isAbsolute(path) ? path : resolve(cwd, path);
}
