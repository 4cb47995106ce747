// The whole lab in one process and one port: the built page, the REST API and the WebSocket.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClusterRegistry } from './cluster-registry.ts';
import type { ProfileName } from './cluster/profiles.ts';
import { handleControlApi } from './http/control-api.ts';
import { sendJson } from './http/json-io.ts';
import { createStaticHandler } from './http/static-files.ts';
import { LiveServer } from './live/live-server.ts';

export interface LabServerOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly nodes: number;
  readonly profile: ProfileName;
  /** The built page; when missing, the API still works and / explains how to build. */
  readonly webRoot: string;
}

export interface LabServer {
  readonly url: string;
  readonly clusters: ClusterRegistry;
  close(): Promise<void>;
}

export async function startLabServer(options: LabServerOptions): Promise<LabServer> {
  const clusters = new ClusterRegistry();
  clusters.create({ name: 'default', nodes: options.nodes, dataDir: options.dataDir, profile: options.profile });
  const live = new LiveServer(clusters);
  const serveStatic = createStaticHandler(options.webRoot);

  const server: Server = createServer((request, response) => {
    void (async () => {
      if (await handleControlApi(request, response, clusters)) return;
      if (serveStatic(request, response)) return;
      sendJson(response, 404, { ok: false, code: 'not-found', error: `nothing at ${request.url ?? '/'}` });
    })().catch((error: unknown) => {
      console.error('request failed', error);
      if (!response.headersSent) sendJson(response, 500, { ok: false, code: 'internal', error: 'internal error' });
      else response.destroy();
    });
  });
  server.on('upgrade', (request, socket, head) => live.handleUpgrade(request, socket, head));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    clusters,
    async close() {
      live.close();
      await clusters.stopAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
