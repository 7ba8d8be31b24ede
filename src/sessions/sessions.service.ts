import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { ApplicationLaunchService, type LaunchableApplication } from '../applications/application-launch.service.js';
import { mayActOn, type Principal } from '../common/principal.js';
import { ApiError } from '../common/api-error.js';
import { K8sService } from '../kubernetes/k8s.service.js';
import { listAll } from '../kubernetes/list-pages.js';
import {
  KubernetesAlreadyExistsError,
  KubernetesNotFoundError,
  unlessNotFound,
} from '../kubernetes/kubernetes-errors.js';
import { APPLICATION_LABEL, MANAGED_BY, MANAGED_BY_LABEL, TEMPLATE_LABEL, USER_LABEL } from '../kubernetes/labels.js';
import { SessionCache } from '../kubernetes/custom-resource.cache.js';
import type { SessionResource, SessionState, TemplateResource } from '../kubernetes/resources.js';
import { PlatformConfigService } from '../platform-config/platform-config.service.js';
import { cpuMillicores, memoryMib } from '../kubernetes/quantities.js';
import { SESSION_CPU_MILLICORES, SESSION_MEMORY_MIB } from '../quotas/quota-rules.js';
import { QuotaService } from '../quotas/quota.service.js';
import { UsersService } from '../users/users.service.js';
import { type CreateSessionDto, type ListSessionsQuery, tagsFromQuery } from './session.dto.js';
import { newSessionName } from './session-names.js';
import { SessionLifecycle } from './session-lifecycle.js';
import { newestFirst, SessionListIndex } from './session-list-index.js';
import { liveConnection } from './live-connection.js';
import { Clock } from '../common/clock.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { SessionRecordEntity } from './session-record.entity.js';
import { type ShareGrant, SessionShares } from './session-shares.js';
import { beyondShare, type SessionNeed, shareAllows } from './share-rules.js';
import { type SessionActivity, type SessionView, toSessionView } from './session.view.js';

const NAME_ATTEMPTS = 3;

export const sessionNotFound = (name: string) => new ApiError(404, 'Session not found', `No session named '${name}'`);
const invalidResource = (message: string) => new ApiError(400, 'Invalid resource request', message);

/** The caller's way to a session: their own (or an operator's) when `share` is undefined. */
export interface SessionAccess {
  session: SessionResource;
  share: ShareGrant | undefined;
}

/** Resources resolved per field (§3.3 steps 4–5): as written, and as integers for the quota. */
interface ResolvedResources {
  cpu: string;
  memory: string;
  cpuMillicores: number;
  memoryMib: number;
}

/**
 * Sessions (api-contract §3.3): reads from the Session watch cache joined with the database's
 * activity and live connections in one query; writes go to the Session resource first.
 */
@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly k8s: K8sService,
    private readonly cache: SessionCache,
    private readonly index: SessionListIndex,
    private readonly quotas: QuotaService,
    private readonly users: UsersService,
    private readonly platformConfig: PlatformConfigService,
    private readonly applications: ApplicationLaunchService,
    private readonly lifecycle: SessionLifecycle,
    private readonly clock: Clock,
    private readonly metrics: MetricsService,
    private readonly shares: SessionShares,
  ) {}

  /**
   * GET /sessions as JSON text: `{"sessions":[…],"total":n}`, the bytes JSON.stringify would give,
   * joined from each session's JSON made once per change of its resource.
   */
  async listJson(caller: Principal, query: ListSessionsQuery): Promise<string> {
    const owner = this.users.listFilterFor(caller, query.user);
    if (!this.index.isSynced) {
      const sessions = await this.listOf(owner);
      return JSON.stringify({ sessions, total: sessions.length });
    }
    const listed = this.index.jsonOf(owner);
    const activity = await this.activityOf(listed.map(({ session }) => session.metadata.name));
    const now = this.clock.now();
    const parts = listed.map(({ session, json }) => {
      const recorded = activity.get(session.metadata.name);
      return json ? json.render(recorded, now) : JSON.stringify(toSessionView(session, recorded, now));
    });
    return `{"sessions":[${parts.join(',')}],"total":${parts.length}}`;
  }

  /** Every session of `owner`, or every session when undefined (what an operator sees), newest first. */
  async listOf(owner: string | undefined): Promise<SessionView[]> {
    return this.views(await this.sessionsOf(owner));
  }

  async byTags(
    caller: Principal,
    query: Record<string, unknown>,
  ): Promise<{ sessions: SessionView[]; total: number; tags: string[] }> {
    const tags = tagsFromQuery(query);
    if (tags.length === 0)
      throw new ApiError(400, 'At least one tag is required', 'Pass one or more tags, e.g. ?tags=dev');
    const user = typeof query.user === 'string' ? query.user : undefined;
    const owner = this.users.listFilterFor(caller, user);
    const matching = (await this.sessionsOf(owner)).filter((s) => (s.spec.tags ?? []).some((t) => tags.includes(t)));
    const sessions = await this.views(matching);
    return { sessions, total: sessions.length, tags };
  }

  async get(caller: Principal, name: string): Promise<SessionView> {
    return this.view(await this.findVisible(caller, name, 'view'));
  }

  /** POST /sessions, step by step as §3.3 lists them. */
  async create(caller: Principal, dto: CreateSessionDto): Promise<SessionView> {
    const owner = await this.users.actingFor(caller, dto.user);
    const application = dto.applicationId ? await this.applications.forLaunch(dto.applicationId, owner) : undefined;
    const templateName = application?.templateName ?? dto.template;
    if (!templateName) throw new ApiError(400, 'Invalid request', 'template: is required without applicationId');
    const template = await this.launchableTemplate(templateName, application);
    const resources = this.resolveResources(dto.resources, template);
    const settings = this.platformConfig.settings();
    const persistentHome = dto.persistentHome ?? true;

    let created: SessionResource | undefined;
    try {
      const demand = {
        ...resources,
        homeVolumeMib: persistentHome ? settings.storage.homeSizeMib : undefined,
        newSession: true,
      };
      created = await this.quotas.runWithinQuota(owner, demand, async (manager) => {
        const session = await this.createResource(manager, owner.username, templateName, (name) => ({
          metadata: {
            name,
            labels: {
              [USER_LABEL]: owner.username,
              [TEMPLATE_LABEL]: templateName,
              [MANAGED_BY_LABEL]: MANAGED_BY,
              ...(application && { [APPLICATION_LABEL]: application.id }),
            },
          },
          spec: {
            user: owner.username,
            template: templateName,
            state: 'running',
            resources: {
              requests: { cpu: resources.cpu, memory: resources.memory },
              limits: { cpu: resources.cpu, memory: resources.memory },
            },
            persistentHome,
            idleTimeout: dto.idleTimeout ?? settings.session.defaultIdleTimeout,
            maxSessionDuration: dto.maxSessionDuration ?? settings.session.defaultMaxSessionDuration,
            tags: dto.tags ? [...new Set(dto.tags)] : [],
          },
        }));
        created = session;
        await this.insertRecord(manager, session, owner.id, resources);
        return session;
      });
    } catch (error) {
      // The resource exists but its row could not be written or committed: take it back.
      if (created) {
        await this.k8s.sessions.delete(created.metadata.name).catch(() => undefined);
        throw new ApiError(503, 'Database unavailable', 'The session could not be recorded; try again', {
          retryAfter: 5,
        });
      }
      throw error;
    }
    this.metrics.sessionsCreated.inc();
    this.metrics.sessionStarting(created.metadata.name);
    return toSessionView(created, { lastActivity: this.clock.now(), activeConnections: 0 }, this.clock.now());
  }

  /** PATCH /sessions/:id {state} (§3.3, transitions of §6.1). */
  async setState(caller: Principal, name: string, state: SessionState): Promise<SessionView> {
    const { session, share } = await this.access(caller, name, 'control');
    const current = session.spec.state;
    if (state === current) return this.view(session);
    if (current === 'terminated' && state === 'hibernated')
      throw new ApiError(409, 'Invalid state transition', 'A terminated session can only be set to running');

    const reason = caller.username === session.spec.user || share ? 'user' : 'admin';
    const updated =
      state === 'running'
        ? (await this.lifecycle.start(session, reason)).session
        : await this.lifecycle.stop(name, state, reason);
    return this.view(updated);
  }

  async delete(caller: Principal, name: string): Promise<{ name: string; message: string }> {
    await this.findVisible(caller, name, 'manage');
    try {
      await this.k8s.sessions.delete(name);
    } catch (error) {
      if (error instanceof KubernetesNotFoundError) throw sessionNotFound(name);
      throw error;
    }
    await this.lifecycle.markDeleted([name]);
    return { name, message: 'Session deletion requested' };
  }

  async setTags(caller: Principal, name: string, tags: string[]): Promise<SessionView> {
    await this.findVisible(caller, name, 'manage');
    const updated = await this.k8s.sessions.patch(name, { spec: { tags } });
    await this.db.manager.update(SessionRecordEntity, { name }, { tags, updatedAt: this.clock.now() });
    return this.view(updated);
  }

  /** The session, if the caller may do what `need` says with it; see `access`. */
  async findVisible(caller: Principal, name: string, need: SessionNeed): Promise<SessionResource> {
    return (await this.access(caller, name, need)).session;
  }

  /**
   * The one access rule for a session (§2.4, §3.17), used by every route on it: the owner,
   * operators and admins may do anything; another user only what an unexpired share grants
   * (beyond it: 403); anyone else gets 404, exactly as if the session did not exist. The share is
   * read only for callers who are not the owner, so the owner's path costs what it always did.
   */
  async access(caller: Principal, name: string, need: SessionNeed): Promise<SessionAccess> {
    const session = this.cache.isSynced ? this.cache.get(name) : await unlessNotFound(this.k8s.sessions.get(name));
    if (!session) throw sessionNotFound(name);
    if (mayActOn(caller, session.spec.user)) return { session, share: undefined };
    const share = await this.shares.grantOf(name, caller.id);
    if (!share) throw sessionNotFound(name);
    if (!shareAllows(share.level, need)) throw beyondShare();
    return { session, share };
  }

  /** `owner`'s sessions, or all of them, newest first (callers resolved `owner` with listFilterFor). */
  private async sessionsOf(owner: string | undefined): Promise<SessionResource[]> {
    if (this.index.isSynced) return [...this.index.sessionsOf(owner)];
    const all = await listAll((page) => this.k8s.sessions.list(page));
    return (owner === undefined ? all : all.filter((s) => s.spec.user === owner)).sort(newestFirst);
  }

  async view(session: SessionResource): Promise<SessionView> {
    return (await this.views([session]))[0];
  }

  private async views(sessions: SessionResource[]): Promise<SessionView[]> {
    const activity = await this.activityOf(sessions.map((s) => s.metadata.name));
    const now = this.clock.now();
    return sessions.map((session) => toSessionView(session, activity.get(session.metadata.name), now));
  }

  /** One query for the activity clock and live connection count of every listed session. */
  private async activityOf(names: string[]): Promise<Map<string, SessionActivity>> {
    if (names.length === 0) return new Map();
    const rows = await this.db.query<(SessionActivity & { name: string })[]>(
      `SELECT s.name, s.last_activity AS "lastActivity",
              (SELECT count(*)::int FROM connections c WHERE c.session_name = s.name AND ${liveConnection('$2')}) AS "activeConnections"
         FROM sessions s WHERE s.name = ANY($1)`,
      [names, this.clock.now()],
    );
    return new Map(rows.map((row) => [row.name, { ...row, lastActivity: new Date(row.lastActivity) }]));
  }

  /** Step 3: a fresh read of the Template. */
  private async launchableTemplate(
    name: string,
    application: LaunchableApplication | undefined,
  ): Promise<TemplateResource> {
    const template = await unlessNotFound(this.k8s.templates.get(name));
    if (!template) {
      if (application && (await unlessNotFound(this.k8s.applicationInstalls.get(application.id))))
        throw new ApiError(
          503,
          'Template reinstalling',
          `The template for '${application.displayName}' was missing and is being recreated. Please try again in a few seconds.`,
          { retryAfter: 5 },
        );
      throw new ApiError(400, 'Template not found', `Template '${name}' does not exist`);
    }
    if (template.status?.valid === false)
      throw new ApiError(400, 'Template invalid', `Template '${name}' is not valid: ${template.status.message ?? ''}`);
    return template;
  }

  /** Steps 4–5: body → Template default → platform default, per field, then the ranges. */
  private resolveResources(requested: CreateSessionDto['resources'], template: TemplateResource): ResolvedResources {
    const defaults = this.platformConfig.settings().resources;
    const cpu = requested?.cpu ?? template.spec.defaultResources?.cpu ?? defaults.defaultCpu;
    const memory = requested?.memory ?? template.spec.defaultResources?.memory ?? defaults.defaultMemory;
    const millicores = cpuMillicores(cpu);
    if (millicores === undefined) throw invalidResource(`invalid CPU quantity: ${cpu}`);
    const mib = memoryMib(memory);
    if (mib === undefined) throw invalidResource(`invalid memory quantity: ${memory}`);
    if (millicores < SESSION_CPU_MILLICORES.min)
      throw invalidResource(`CPU request too low: minimum ${SESSION_CPU_MILLICORES.min}m`);
    if (millicores > SESSION_CPU_MILLICORES.max)
      throw invalidResource(`CPU request too high: maximum ${SESSION_CPU_MILLICORES.max}m`);
    if (mib < SESSION_MEMORY_MIB.min)
      throw invalidResource(`memory request too low: minimum ${SESSION_MEMORY_MIB.min}Mi`);
    if (mib > SESSION_MEMORY_MIB.max) throw invalidResource('memory request too high: maximum 512Gi');
    return { cpu, memory, cpuMillicores: millicores, memoryMib: mib };
  }

  /** Step 7: a fresh name that no resource and no row (deleted ones included) has used. */
  private async createResource(
    manager: EntityManager,
    username: string,
    template: string,
    build: (name: string) => Parameters<K8sService['sessions']['create']>[0],
  ): Promise<SessionResource> {
    for (let attempt = 0; attempt < NAME_ATTEMPTS; attempt++) {
      const name = newSessionName(username, template);
      if (await manager.existsBy(SessionRecordEntity, { name })) continue;
      try {
        return await this.k8s.sessions.create(build(name));
      } catch (error) {
        if (!(error instanceof KubernetesAlreadyExistsError)) throw error;
      }
    }
    throw new ApiError(500, 'Internal error', 'Could not find a free session name');
  }

  /** Step 8: the row, in the quota transaction (the projection may have written it from the watch already). */
  private async insertRecord(
    manager: EntityManager,
    session: SessionResource,
    userId: string,
    resources: ResolvedResources,
  ) {
    const { spec, metadata } = session;
    await manager
      .createQueryBuilder()
      .insert()
      .into(SessionRecordEntity)
      .orIgnore()
      .values({
        name: metadata.name,
        namespace: metadata.namespace ?? this.k8s.namespace,
        k8sUid: metadata.uid ?? null,
        username: spec.user,
        userId,
        templateName: spec.template,
        applicationId: metadata.labels?.[APPLICATION_LABEL] ?? null,
        state: 'running',
        phase: 'Pending',
        cpu: resources.cpu,
        memory: resources.memory,
        cpuMillicores: resources.cpuMillicores,
        memoryMib: resources.memoryMib,
        persistentHome: spec.persistentHome ?? true,
        idleTimeout: spec.idleTimeout ?? '30m',
        maxSessionDuration: spec.maxSessionDuration ?? '8h',
        tags: spec.tags ?? [],
        lastActivity: this.clock.now(),
        startedAt: this.clock.now(),
        createdAt: new Date(String(metadata.creationTimestamp ?? this.clock.now().toISOString())),
      })
      .execute();
  }
}
