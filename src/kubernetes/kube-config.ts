import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
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
  return kubeConfig;
}
