import { isDeepStrictEqual } from 'node:util';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ApiError, type FieldProblem } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { MANAGED_BY, MANAGED_BY_LABEL } from '../kubernetes/labels.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesConflictError,
  unlessNotFound,
} from '../kubernetes/kubernetes-errors.js';
import type { ConfigMapObject } from '../kubernetes/resources.js';
import { WatchCache } from '../kubernetes/watch-cache.js';
import {
  configValueProblem,
  effectiveConfig,
  type PlatformSettings,
  platformSettings,
  type QuotaDefaults,
} from './config-keys.js';

export type { PlatformSettings };

export const CONFIG_MAP_NAME = 'streamspace-config';
const WRITE_ATTEMPTS = 3;

/**
 * Platform configuration: the ConfigMap `streamspace-config` (§3.10), watched by every replica so
 * a change applies within moments without a restart. Callers ask for `settings()` at each
 * decision; a stored value that fails its rule (edited by hand) is ignored in favour of the default.
 */
@Injectable()
export class PlatformConfigService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PlatformConfigService.name);
  private readonly cache: WatchCache<ConfigMapObject>;

  constructor(
    private readonly config: AppConfig,
    private readonly k8s: K8sService,
  ) {
    const namespace = k8s.namespace;
    const fieldSelector = `metadata.name=${CONFIG_MAP_NAME}`;
    this.cache = new WatchCache<ConfigMapObject>('configmaps', {
      list: (query) => k8s.configMaps.list(namespace, { ...query, fieldSelector }),
      watch: (query, onEvent, onDone) =>
        k8s.watch(k8s.configMaps.path(namespace), { ...query, fieldSelector }, onEvent, onDone),
    });
  }

  onApplicationBootstrap(): void {
    this.cache.start();
  }

  onApplicationShutdown(): void {
    this.cache.stop();
  }

  /** What an admin stored (only the keys they set). */
  private stored(): Record<string, string> {
    return this.cache.get(CONFIG_MAP_NAME)?.data ?? {};
  }

  /** GET /config: every known key's effective value plus unknown stored keys. */
  values(): Record<string, string> {
    return effectiveConfig(this.stored(), this.config);
  }

  settings(): PlatformSettings {
    return platformSettings(this.values());
  }

  quotaDefaults(): QuotaDefaults {
    return this.settings().quota;
  }

  /**
   * PATCH /config: validates every key first (nothing is written when one fails), then merges
   * into the ConfigMap with optimistic concurrency, creating it when missing.
   */
  async update(patch: unknown): Promise<Record<string, string>> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch))
      throw new ApiError(400, 'Invalid configuration', 'body: must be an object of keys to strings or null');
    const changes = Object.entries(patch as Record<string, unknown>);
    const problems: FieldProblem[] = changes
      .filter(([, value]) => value !== null)
      .map(([key, value]) => ({ field: key, message: configValueProblem(key, value) }))
      .filter((problem): problem is FieldProblem => problem.message !== undefined);
    if (problems.length > 0)
      throw new ApiError(400, 'Invalid configuration', `${problems[0].field}: ${problems[0].message}`, {
        details: problems,
      });

    for (let attempt = 1; ; attempt++) {
      try {
        const written = await this.write(changes as [string, string | null][]);
        if (written) this.cache.applyWrite('upsert', written);
        return this.values();
      } catch (error) {
        const retry = error instanceof KubernetesConflictError || error instanceof KubernetesAlreadyExistsError;
        if (!retry || attempt >= WRITE_ATTEMPTS) throw error;
      }
    }
  }

  /** The ConfigMap after the changes; unchanged data is not written (an empty PATCH creates nothing). */
  private async write(changes: [string, string | null][]): Promise<ConfigMapObject | undefined> {
    const namespace = this.k8s.namespace;
    const current = await unlessNotFound(this.k8s.configMaps.get(namespace, CONFIG_MAP_NAME));
    const data = { ...current?.data };
    for (const [key, value] of changes) {
      if (value === null) delete data[key];
      else data[key] = value;
    }
    if (isDeepStrictEqual(data, { ...current?.data })) return current;
    if (!current) {
      const body = { metadata: { name: CONFIG_MAP_NAME, labels: { [MANAGED_BY_LABEL]: MANAGED_BY } }, data };
      return await this.k8s.configMaps.create(namespace, body);
    }
    // A replace carrying the read resourceVersion: a concurrent writer makes it fail with 409, and we re-read.
    return await this.k8s.configMaps.replace(namespace, CONFIG_MAP_NAME, { ...current, data });
  }
}
