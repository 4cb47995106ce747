import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The page is built into dist/web and served by the lab server itself (one process, one port).
// `npx vite` serves it with hot reload and proxies the API and WebSocket to a running `npm start`
// (RAFTLAB_API=http://127.0.0.1:8201 npx vite to point it at another server).
export default defineConfig({
  root: '.',
  plugins: [svelte()],
  build: { outDir: 'dist/web', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    proxy: { '/api': { target: process.env['RAFTLAB_API'] ?? 'http://127.0.0.1:8200', ws: true } },
  },
});
