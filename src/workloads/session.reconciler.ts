import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesInvalidError,
  KubernetesNotFoundError,
  KubernetesPermissionError,
  unlessNotFound,
} from '../kubernetes/kubernetes-errors.js';
import type { ObjectMeta, SessionResource, TemplateResource, V1Pod } from '../kubernetes/resources.js';
import { PlatformConfigService, type PlatformSettings } from '../platform-config/platform-config.service.js';
import { HomeVolumeQuota } from './home-volume-quota.js';
import type { ReconcileResult } from '../kubernetes/reconcile-queue.js';
import {
  type HomeVolumeCheck,
  type SessionObservation,
  type TemplateCheck,
  type WorkloadCheck,
  desiredStatus,
  statusPatch,
} from './session-status.js';
import { SessionWorkloadBuilder, deploymentPort, sessionPort, sessionUrl } from './session-workload.builder.js';
import { SESSION_LABEL } from '../kubernetes/labels.js';

/** A previous Deployment is still being deleted (terminated → running quickly): look again soon. */
const DELETION_RECHECK_MS = 1_000;

type Ensured<T> = { ok: true; object: T } | { ok: false; message: string };

interface WorkloadPass {
  observation: SessionObservation;
  result?: ReconcileResult;
}

/** A create Kubernetes refused (4xx other than a conflict): the session is Failed until a later pass succeeds, with no back-off retries. */
function isRejection(error: unknown): error is Error {
  return (
    error instanceof KubernetesInvalidError ||
    error instanceof KubernetesPermissionError ||
    error instanceof KubernetesNotFoundError
  );
}

function isReadyPod(pod: V1Pod): boolean {
  return (
    !pod.metadata?.deletionTimestamp &&
    pod.status?.phase === 'Running' &&
    (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

/**
 * One pass for one Session (api-contract §5.6, §6.1): makes the home volume, Deployment, Service
 * and Ingress match `spec.state`, then merge-patches the status fields it owns when they changed.
 * Idempotent: every pass reads fresh and only writes what is missing or different.
 */
@Injectable()
export class SessionReconciler {
  private readonly logger = new Logger(SessionReconciler.name);

  constructor(
    private readonly k8s: K8sService,
    private readonly platform: PlatformConfigService,
    private readonly homeVolumeQuota: HomeVolumeQuota,
    private readonly clock: Clock,
  ) {}

  async reconcile(name: string): Promise<ReconcileResult> {
    const session = await unlessNotFound(this.k8s.sessions.get(name));
    // A Session being deleted takes its workload with it (garbage collection): nothing to do.
    if (!session || session.metadata.deletionTimestamp) return;
    const settings = this.platform.settings();
    const builder = new SessionWorkloadBuilder(session, this.k8s.namespace, settings);
    const pass =
      session.spec.state === 'terminated'
        ? await this.removeWorkload(session, builder)
        : await this.ensureWorkload(session, builder, settings);
    const patch = statusPatch(session.status, desiredStatus(session, pass.observation, this.clock.now()));
    if (patch) await unlessNotFound(this.k8s.sessions.patchStatus(name, patch));
    return pass.result;
  }

  private async ensureWorkload(
    session: SessionResource,
    builder: SessionWorkloadBuilder,
    settings: PlatformSettings,
  ): Promise<WorkloadPass> {
    const namespace = this.k8s.namespace;
    const replicas = session.spec.state === 'running' ? 1 : 0;
    const getDeployment = () => unlessNotFound(this.k8s.deployments.get(namespace, builder.name));
    const existing = await getDeployment();
    const { check: template, resource: templateResource } = await this.resolveTemplate(session);
    const withoutWorkload = (
      homeVolume: HomeVolumeCheck,
      workload: WorkloadCheck = { outcome: 'blocked' },
    ): WorkloadPass => ({
      observation: { template, homeVolume, workload, readyPodName: '', url: '' },
    });

    if (existing?.metadata?.deletionTimestamp) {
      const waiting = { outcome: 'waiting', message: 'Waiting for the previous workload to be deleted' } as const;
      return { ...withoutWorkload({ outcome: 'unchecked' }, waiting), result: { requeueAfterMs: DELETION_RECHECK_MS } };
    }
    // Without a Deployment yet, a missing or invalid Template stops everything (§6.1).
    if (!existing && (template.outcome !== 'found' || !templateResource))
      return withoutWorkload({ outcome: 'unchecked' });

    const homeVolume = await this.ensureHomeVolume(session, builder);
    if (!existing && (homeVolume.outcome === 'createFailed' || homeVolume.outcome === 'quotaExceeded'))
      return withoutWorkload(homeVolume);

    const deployment = await this.createOrAdopt(session, 'Deployment', existing, getDeployment, () =>
      this.k8s.deployments.create(namespace, builder.deployment(templateResource!.spec, replicas)),
    );
    if (!deployment.ok) return withoutWorkload(homeVolume, { outcome: 'createFailed', message: deployment.message });

    let scaled = false;
    if ((deployment.object.spec?.replicas ?? 1) !== replicas) {
      await this.k8s.deployments.scale(namespace, builder.name, replicas);
      scaled = true;
    }

    // The Service follows the port the Deployment was built with, not a later Template.
    const port = deploymentPort(deployment.object) ?? sessionPort(templateResource?.spec ?? {});
    const service = await this.ensureOwned(
      session,
      'Service',
      () => unlessNotFound(this.k8s.services.get(namespace, builder.name)),
      () => this.k8s.services.create(namespace, builder.service(port)),
    );
    if (!service.ok) return withoutWorkload(homeVolume, { outcome: 'createFailed', message: service.message });
    if (settings.ingress.enabled) {
      const ingress = await this.ensureOwned(
        session,
        'Ingress',
        () => unlessNotFound(this.k8s.ingresses.get(namespace, builder.name)),
        () => this.k8s.ingresses.create(namespace, builder.ingress()),
      );
      if (!ingress.ok) return withoutWorkload(homeVolume, { outcome: 'createFailed', message: ingress.message });
    }

    const pods = await this.k8s.pods.list(namespace, `${SESSION_LABEL}=${session.metadata.name}`);
    const status = deployment.object.status;
    const workload: WorkloadCheck = {
      outcome: 'deployment',
      desiredReplicas: replicas,
      // Right after a scale the status still describes the old spec.
      observed: !scaled && (status?.observedGeneration ?? 0) >= (deployment.object.metadata?.generation ?? 0),
      replicas: status?.replicas ?? 0,
      readyReplicas: status?.readyReplicas ?? 0,
      podsLeft: pods.length,
      progressDeadlineExceeded: (status?.conditions ?? []).some(
        (c) => c.type === 'Progressing' && c.status === 'False' && c.reason === 'ProgressDeadlineExceeded',
      ),
    };
    return {
      observation: {
        template,
        homeVolume,
        workload,
        readyPodName: replicas > 0 ? (pods.find(isReadyPod)?.metadata?.name ?? '') : '',
        url: sessionUrl(session, namespace, port, settings),
      },
    };
  }

  /** Deletes Deployment, Service and Ingress of a terminated session; the home volume stays. */
  private async removeWorkload(session: SessionResource, builder: SessionWorkloadBuilder): Promise<WorkloadPass> {
    const namespace = this.k8s.namespace;
    const name = builder.name;
    await this.deleteOwned(
      session,
      () => unlessNotFound(this.k8s.deployments.get(namespace, name)),
      () => this.k8s.deployments.delete(namespace, name),
    );
    await this.deleteOwned(
      session,
      () => unlessNotFound(this.k8s.services.get(namespace, name)),
      () => this.k8s.services.delete(namespace, name),
    );
    await this.deleteOwned(
      session,
      () => unlessNotFound(this.k8s.ingresses.get(namespace, name)),
      () => this.k8s.ingresses.delete(namespace, name),
    );
    return {
      observation: {
        template: undefined,
        homeVolume: { outcome: 'unchecked' },
        workload: { outcome: 'removed' },
        readyPodName: '',
        url: '',
      },
    };
  }

  /** Fresh GET: a cached Template could be older than the one a user just created. */
  private async resolveTemplate(
    session: SessionResource,
  ): Promise<{ check: TemplateCheck; resource?: TemplateResource }> {
    const resource = await unlessNotFound(this.k8s.templates.get(session.spec.template));
    if (!resource) return { check: { outcome: 'notFound' } };
    if (resource.status?.valid === false) {
      return { check: { outcome: 'invalid', message: resource.status.message ?? 'Template is not valid' }, resource };
    }
    return { check: { outcome: 'found' }, resource };
  }

  /** The user's home PVC when the session runs with a persistent home; created when missing. */
  private async ensureHomeVolume(session: SessionResource, builder: SessionWorkloadBuilder): Promise<HomeVolumeCheck> {
    if (session.spec.persistentHome === false) return { outcome: 'notRequired' };
    if (session.spec.state !== 'running') return { outcome: 'unchecked' };
    const claim = builder.homeVolumeClaim();
    const name = claim.metadata!.name!;
    if (await unlessNotFound(this.k8s.pvcs.get(this.k8s.namespace, name))) return { outcome: 'present' };
    const overQuota = await this.homeVolumeQuota.violation(session.spec.user);
    if (overQuota) return { outcome: 'quotaExceeded', message: overQuota };
    try {
      await this.k8s.pvcs.create(this.k8s.namespace, claim);
      this.logger.log(`created home volume ${name} for ${session.spec.user}`);
      return { outcome: 'present' };
    } catch (error) {
      // Another session of the same user created it in between: shared, so that is fine.
      if (error instanceof KubernetesAlreadyExistsError) return { outcome: 'present' };
      if (isRejection(error))
        return { outcome: 'createFailed', message: `Home volume ${name} could not be created: ${error.message}` };
      throw error;
    }
  }

  /** Reads an owned object, creating it when missing (see createOrAdopt). */
  private async ensureOwned<T extends { metadata?: ObjectMeta }>(
    session: SessionResource,
    kind: string,
    get: () => Promise<T | undefined>,
    create: () => Promise<T>,
  ): Promise<Ensured<T>> {
    return this.createOrAdopt(session, kind, await get(), get, create);
  }

  /**
   * Adopts `existing`, or creates the object when there is none. An object of that name that
   * another party made (no session label of ours) is never taken over: the session fails with
   * CreateFailed, as does a create Kubernetes rejects.
   */
  private async createOrAdopt<T extends { metadata?: ObjectMeta }>(
    session: SessionResource,
    kind: string,
    existing: T | undefined,
    get: () => Promise<T | undefined>,
    create: () => Promise<T>,
  ): Promise<Ensured<T>> {
    if (existing) return this.adopt(existing, session, kind);
    try {
      return { ok: true, object: await create() };
    } catch (error) {
      if (error instanceof KubernetesAlreadyExistsError) {
        const raced = await get();
        if (raced) return this.adopt(raced, session, kind);
        throw error;
      }
      if (isRejection(error)) return { ok: false, message: `${kind} could not be created: ${error.message}` };
      throw error;
    }
  }

  private adopt<T extends { metadata?: ObjectMeta }>(object: T, session: SessionResource, kind: string): Ensured<T> {
    if (object.metadata?.labels?.[SESSION_LABEL] === session.metadata.name) return { ok: true, object };
    return {
      ok: false,
      message: `${kind} '${object.metadata?.name}' already exists and is not managed by session '${session.metadata.name}'`,
    };
  }

  /** Deletes an object of the session's workload; one we did not make is left alone. */
  private async deleteOwned<T extends { metadata?: ObjectMeta }>(
    session: SessionResource,
    get: () => Promise<T | undefined>,
    remove: () => Promise<void>,
  ): Promise<void> {
    const object = await get();
    if (!object || object.metadata?.deletionTimestamp) return;
    if (object.metadata?.labels?.[SESSION_LABEL] !== session.metadata.name) return;
    await unlessNotFound(remove());
  }
}
