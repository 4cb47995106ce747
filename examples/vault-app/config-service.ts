// A small service that keeps its configuration in Vault, as many do: every GET /config reads
// secret/data/<path> through node-vault (the off-the-shelf client) at the cluster's address (which
// routes like a load balancer to a live node) and answers it as JSON. When Vault cannot answer (a
// lost quorum) the service says 503 rather than serve a guess or hang.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nodeVault from 'node-vault';

export interface ConfigServiceOptions {
  /** VAULT_ADDR: the lab's cluster URL (http://127.0.0.1:PORT/c/CLUSTER). */
  readonly vaultAddr: string;
  readonly token: string;
  /** The KV v2 path under secret/ (e.g. "app/config"). */
  readonly path: string;
}

export interface ConfigService {
  readonly url: string;
  close(): Promise<void>;
}

export async function startConfigService(options: ConfigServiceOptions): Promise<ConfigService> {
  const vault = nodeVault({ endpoint: options.vaultAddr, token: options.token, requestOptions: { timeout: 5_000 } });
  const readConfig = async (): Promise<Record<string, unknown>> => (await vault.read(`secret/data/${options.path}`)).data.data as Record<string, unknown>;
  const server: Server = createServer((request, response) => {
    if (request.url !== '/config' || request.method !== 'GET') {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'GET /config only' }));
      return;
    }
    readConfig().then(
      (config) => response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(config)),
      (error: unknown) => {
        const status = (error as { response?: { statusCode?: number } }).response?.statusCode;
        const why = error instanceof Error ? error.message : String(error);
        // Vault's own 4xx passes through (404: no config there); anything else is "unavailable".
        const answer = status !== undefined && status < 500 ? status : 503;
        response.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `configuration unavailable: ${why.slice(0, 300)}` }));
      },
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
