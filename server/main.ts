// `npm start`: the lab on one port with the default cluster.
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { USAGE, UsageError, parseArgs } from './cli/args.ts';
import { startLabServer } from './lab-server.ts';

/** dist/web beside the built server, or ../dist/web when run from source. */
function findWebRoot(): string {
  for (const candidate of ['../web', '../dist/web']) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(resolve(path, 'index.html'))) return path;
  }
  return fileURLToPath(new URL('../dist/web', import.meta.url));
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2), process.env);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) console.error(`raftlab: ${error.message}`);
      console.error(USAGE);
      process.exit(error.message ? 2 : 0);
    }
    throw error;
  }
  const webRoot = findWebRoot();
  if (!existsSync(resolve(webRoot, 'index.html'))) console.warn('raftlab: the page is not built; run `npm run build` (the API works meanwhile)');
  const lab = await startLabServer({
    host: options.host,
    port: options.port,
    nodes: options.nodes,
    profile: options.profile,
    dataDir: resolve(options.dataDir),
    webRoot,
    ...(options.token ? { token: options.token } : {}),
    ...(options.httpRate ? { httpRate: { perSecond: options.httpRate, burst: options.httpRate * 2 } } : {}),
    allowedHosts: options.allowedHosts,
    ...(options.serverId ? { serverId: options.serverId } : {}),
    ...(options.peers ? { peers: options.peers } : {}),
    ...(options.publicValues ? { publicValues: true } : {}),
    ...(options.maxConnections ? { maxConnections: options.maxConnections } : {}),
    ...(options.implementations ? { implementations: options.implementations } : {}),
    ...(options.nodePorts !== undefined ? { nodePorts: options.nodePorts } : {}),
    limits: {
      ...(options.maxClusters ? { maxClusters: options.maxClusters } : {}),
      ...(options.maxNodes ? { maxNodes: options.maxNodes } : {}),
      ...(options.idleMinutes ? { idleMs: options.idleMinutes * 60_000 } : {}),
    },
  });
  const shown = options.host === '0.0.0.0' || options.host === '::' ? lab.url.replace(/\/\/[^:]+|\/\/\[[^\]]+\]/, '//<this machine>') : lab.url;
  console.log(`raftlab: cluster "default" of ${options.nodes} nodes (${options.profile} profile), data in ${resolve(options.dataDir)}`);
  console.log(`raftlab: watch:   ${shown}/`);
  // The token rides in the fragment: browsers never send it to a server or a proxy log.
  console.log(`raftlab: control: ${shown}/#token=${lab.token}${options.token ? '' : '   (generated; pass --token or RAFTLAB_TOKEN to keep one)'}`);
  console.log(`raftlab: Vault API: VAULT_ADDR=${shown}/c/default VAULT_TOKEN=${lab.token}`);
  // Each node's own port, as a Vault node's api_addr (the leader's is the fastest way in).
  const defaultCluster = lab.clusters.get('default')?.cluster;
  if (defaultCluster?.nodeApi) {
    const addresses = await defaultCluster.nodeApi.whenListening(defaultCluster.nodeIds(), 10_000);
    for (const node of defaultCluster.nodeIds()) {
      const address = addresses[node];
      console.log(address ? `raftlab:   node ${node}: VAULT_ADDR=${address}` : `raftlab:   node ${node}: its API port did not open (see its card)`);
    }
  }

  let closing = false;
  const shutdown = (): void => {
    if (closing) process.exit(1);
    closing = true;
    console.log('raftlab: stopping');
    lab.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`raftlab: ${message}`);
  process.exit(1);
});
