// A node's own API port, served inside the node's worker, as a Vault node serves its api_addr: the
// KV data routes (/v1/secret/data/…: reads, writes, deletes) are answered here by the node's own
// client (node-client.ts), so client traffic never crosses the main thread; every other Vault
// route is handed to the main thread (the one router, router.ts) and its answer written back.
// The same front door as the main server's checks every request first. When the node is killed
// its thread and this listener die with it (connections refused, as a dead machine's); while it
// is paused, requests are accepted and wait until it resumes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { AllowedHosts } from '../../auth/allowed-hosts.ts';
import { RateLimiter } from '../../auth/rate-limit.ts';
import { tokensMatch } from '../../auth/tokens.ts';
import { createFrontDoor } from '../../http/front-door.ts';
import { readRawBody } from '../../http/json-io.ts';
import type { RequestTarget } from '../../http/request-target.ts';
import { kvData } from '../../vault/kv-data.ts';
import { parseListVerb } from '../../vault/list-verb.ts';
import { kvKey, rawVaultResponse, toVaultError, vaultRequestOf, writeVaultResponse } from '../../vault/vault-answer.ts';
import { PERMISSION_DENIED, requestedConsistency, type KvTarget, type VaultRequest, type VaultResponse } from '../../vault/vault-http.ts';
import { CommandError } from '../../../shared/protocol/command-error.ts';
import { runClientCommand } from '../../../shared/host/shared-commands.ts';
import { MAX_RESTORE_BYTES } from '../../../shared/kv/limits.ts';
import type { ClusterCommand } from '../../../shared/protocol/commands.ts';
import type { ResultOf } from '../../../shared/protocol/command-results.ts';
import type { NodeClient } from './node-client.ts';
import type { NodeApiInit, NodeApiReport, RelayedVaultAnswer, RelayedVaultRequest } from './node-api-protocol.ts';

/** A relayed body may be as large as the largest any route takes (a snapshot restore, archived). */
const MAX_RELAYED_BODY_BYTES = 2 * MAX_RESTORE_BYTES + 64 * 1024;
const CLIENT_COMMANDS = new Set(['put', 'delete', 'get', 'get-metadata', 'list-keys']);

export interface NodeApiServerParts {
  readonly self: string;
  readonly init: NodeApiInit;
  readonly client: NodeClient;
  /** Hands a request to the main thread's router; resolves with its answer. */
  readonly relay: (request: RelayedVaultRequest) => Promise<RelayedVaultAnswer>;
  readonly report: (report: NodeApiReport) => void;
}

export class NodeApiServer {
  private readonly server: Server;
  private paused = false;
  private readonly waiting: (() => void)[] = [];
  private readonly hosts: AllowedHosts;
  /** The KV routes' door: this node's own client, for this node. */
  private readonly kv: KvTarget;

  constructor(private readonly parts: NodeApiServerParts) {
    const { init, self, client } = parts;
    this.hosts = new AllowedHosts(init.host, init.allowedHosts);
    this.kv = {
      node: self,
      command: <C extends ClusterCommand>(command: C): Promise<ResultOf<C>> => {
        if (!CLIENT_COMMANDS.has(command.type)) return Promise.reject(new CommandError('bad-request', `${command.type} is not served on a node's port`));
        const known = (node: string): string => {
          if (node !== self) throw new CommandError('not-found', `this is ${self}'s port`);
          return node;
        };
        return Promise.resolve(runClientCommand(command as Parameters<typeof runClientCommand>[0], client.gateway, known) as ResultOf<C>);
      },
    };
    const door = createFrontDoor({ hosts: this.hosts, rate: new RateLimiter<Socket>(init.httpRate), routes: [(request, response, target) => this.route(request, response, target)] });
    // The main server's limits (lab-server.ts: DEFAULT_HTTP_TIMEOUTS, DEFAULT_MAX_CONNECTIONS), not
    // imported from there: that module would bring the whole server into every node's worker.
    this.server = createServer({ connectionsCheckingInterval: 1000, headersTimeout: 10_000, requestTimeout: 30_000 }, door);
    this.server.keepAliveTimeout = 65_000;
    this.server.maxConnections = 2_000;
    this.server.on('clientError', (error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket) => void this.clientError(error, socket));
  }

  /** Listens on the port asked for; one that is taken gives way to one the system picks (said in the report). */
  listen(): void {
    const { host, port } = this.parts.init;
    const listening = (note?: string): void => {
      const address = this.server.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      this.parts.report({ type: 'api-listening', address: `http://${shown}:${address.port}`, port: address.port, ...(note ? { note } : {}) });
    };
    this.server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EADDRINUSE' || port === 0) return this.parts.report({ type: 'api-failed', error: `${this.parts.self} cannot listen on ${host}:${port}: ${error.message}` });
      this.server.once('error', (again: Error) => this.parts.report({ type: 'api-failed', error: `${this.parts.self} cannot listen on ${host}: ${again.message}` }));
      this.server.listen(0, host, () => listening(`port ${port} was taken`));
    });
    this.server.listen(port, host, () => listening());
  }

  /** A paused node takes no request further until it resumes: they wait, connections open. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    if (!paused) for (const resume of this.waiting.splice(0)) resume();
  }

  private untilRunning(): Promise<void> | null {
    return this.paused ? new Promise((resolve) => this.waiting.push(resolve)) : null;
  }

  private async route(request: IncomingMessage, response: ServerResponse, target: RequestTarget): Promise<boolean> {
    if (target.segments[0] !== 'v1') return false;
    await this.untilRunning();
    const path = target.segments.slice(1);
    const vault = vaultRequestOf(request, target, path);
    const local = path[0] === 'secret' && path[1] === 'data' && !target.trailingSlash;
    const answer = local ? await this.serveKv(vault, path) : toVaultAnswer(await this.parts.relay(await relayed(request, vault, target.trailingSlash)));
    writeVaultResponse(response, answer);
    return true;
  }

  /** /v1/secret/data/{key}, answered by this node (kv-data.ts: the main server's route, on this node's client). */
  private async serveKv(request: VaultRequest, path: readonly string[]): Promise<VaultResponse> {
    try {
      if (!tokensMatch(request.token, this.parts.init.token)) throw PERMISSION_DENIED();
      const key = kvKey(path.slice(2), false);
      return await kvData(request, { ...this.kv, ...requestedConsistency(request) }, key);
    } catch (error) {
      const vault = toVaultError(error);
      return { status: vault.status, json: { errors: vault.errors } };
    }
  }

  /** Vault's LIST verb, which Node's parser refuses (list-verb.ts): relayed as GET …?list=true. */
  private async clientError(error: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): Promise<void> {
    const list = error.code === 'HPE_INVALID_METHOD' ? parseListVerb(error.rawPacket, this.hosts) : null;
    if (!list || list.target.segments[0] !== 'v1') {
      if (!socket.writable) return void socket.destroy();
      return void socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    }
    await this.untilRunning();
    const answer = await this.parts
      .relay({ method: 'GET', path: list.target.segments.slice(1), trailingSlash: list.target.trailingSlash, query: list.query.toString(), token: list.token, body: new Uint8Array(0) })
      .catch((): RelayedVaultAnswer => ({ status: 500, json: { errors: ['internal error'] } }));
    if (socket.writable) socket.end(rawVaultResponse(toVaultAnswer(answer)));
  }
}

/** A request for the main thread: its body read here (bounded), the rest as it came. */
async function relayed(request: IncomingMessage, vault: VaultRequest, trailingSlash: boolean): Promise<RelayedVaultRequest> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? Buffer.alloc(0) : await readRawBody(request, MAX_RELAYED_BODY_BYTES);
  return { method: vault.method, path: vault.path, trailingSlash, query: vault.query.toString(), token: vault.token, body, ...(vault.consistency ? { consistency: vault.consistency } : {}) };
}

function toVaultAnswer(answer: RelayedVaultAnswer): VaultResponse {
  return { status: answer.status, ...(answer.json !== undefined ? { json: answer.json } : {}), ...(answer.bytes ? { bytes: Buffer.from(answer.bytes) } : {}), ...(answer.contentType ? { contentType: answer.contentType } : {}) };
}
