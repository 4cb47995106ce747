// Each node is a worker thread: whatever its entry imports, every node pays for in memory. The
// worker needs the core, the KV store, storage and the checker's types — not the protocol's zod
// schemas (importing them once took each worker from 12 to 30 MB RSS).
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the node worker bundle', () => {
  it('leaves out zod and the page/server protocol schemas', async () => {
    const result = await build({
      entryPoints: ['server/cluster/node-worker.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes('shared/raft/raw-node.ts'))).toBe(true);
    expect(inputs.filter((path) => path.includes('node_modules/zod'))).toEqual([]);
    expect(inputs.filter((path) => /shared\/protocol\/(commands|events|views|frames)\.ts$/.test(path))).toEqual([]);
    const bytes = result.outputFiles[0]!.contents.byteLength;
    expect(bytes).toBeLessThan(400_000);
  });
});
