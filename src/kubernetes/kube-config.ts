import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type { Agent } from 'node:http';
import https from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type Cluster, KubeConfig } from '@kubernetes/client-node';
import type { AppConfig } from '../config/app-config.js';

/** Injection token for the loaded KubeConfig. */
export const KUBE_CONFIG = Symbol('KUBE_CONFIG');

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** In-cluster service account first, else KUBECONFIG, else ~/.kube/config (api-contract §6.9). */
export function loadKubeConfig(config: Pick<AppConfig, 'kubeconfig'>): KubeConfig {
  const kubeConfig = new KubeConfig();
  const defaultFile = join(homedir(), '.kube', 'config');
  if (process.env.KUBERNETES_SERVICE_HOST && existsSync(IN_CLUSTER_TOKEN)) kubeConfig.loadFromCluster();
  else if (config.kubeconfig) kubeConfig.loadFromFile(config.kubeconfig);
  else if (existsSync(defaultFile)) kubeConfig.loadFromFile(defaultFile);
  else throw new Error('No Kubernetes configuration: not in a cluster, KUBECONFIG unset and no ~/.kube/config');
  reuseAgents(kubeConfig);
  return kubeConfig;
}

type CreateAgent = (cluster: Cluster | null, options: https.AgentOptions) => Agent;

/**
 * The client makes a new agent, hence a new TLS handshake, for every request. One keep-alive
 * agent per distinct set of TLS options is reused instead (the options only change when the
 * credentials files do). Proxied and plain-HTTP clusters keep the client's own agents.
 */
function reuseAgents(kubeConfig: KubeConfig): void {
  // A private method in the client's types, but the one place every request gets its agent.
  const client = kubeConfig as unknown as { createAgent: CreateAgent };
  const create = client.createAgent.bind(kubeConfig);
  const agents = new Map<string, Agent>();
  client.createAgent = (cluster, options) => {
    if (!cluster?.server.startsWith('https:') || cluster.proxyUrl) return create(cluster, options);
    const { ca, cert, key, pfx, passphrase, servername, rejectUnauthorized } = options;
    const identity = createHash('sha256')
      .update(JSON.stringify([cluster.server, servername, rejectUnauthorized, passphrase]))
      .update(material(ca))
      .update(material(cert))
      .update(material(key))
      .update(material(pfx))
      .digest('hex');
    let agent = agents.get(identity);
    if (!agent) agents.set(identity, (agent = new https.Agent({ ...options, keepAlive: true })));
    return agent;
  };
}

/** Credentials as the client passes them: PEM text or buffers (anything else, as JSON). */
const material = (value: unknown): string | Buffer =>
  typeof value === 'string' || Buffer.isBuffer(value) ? value : JSON.stringify(value ?? null);
