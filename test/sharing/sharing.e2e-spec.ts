import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { IdleMonitor } from '../../src/activity/idle-monitor.js';
import { K8sService } from '../../src/kubernetes/k8s.service.js';
import { createAccount, type TestAccount } from '../support/accounts.js';
import { eventually } from '../support/eventually.js';
import { controllableClock, createTemplate, launchSession } from '../support/sessions.js';
import { startTestApp } from '../support/test-app.js';

const TOKEN = /^[A-Za-z0-9_-]{43,}$/;
const beyondShare = { error: 'Forbidden', message: 'Your share of this session does not allow this' };

describe('session sharing and invitations (§2.4, §3.17)', () => {
  let app: NestExpressApplication;
  let url: string;
  let db: DataSource;
  let k8s: K8sService;
  let template: string;
  let operator: TestAccount;
  let admin: TestAccount;

  const as = (account: TestAccount) => {
    const authorized = (call: request.Test) => call.set('Authorization', account.bearer);
    return {
      get: (path: string) => authorized(request(url).get(`/api/v1${path}`)),
      post: (path: string, body?: object) => authorized(request(url).post(`/api/v1${path}`)).send(body),
      patch: (path: string, body: object) => authorized(request(url).patch(`/api/v1${path}`)).send(body),
      delete: (path: string) => authorized(request(url).delete(`/api/v1${path}`)),
    };
  };

  /** A session of a new owner, shared with one new user per level. */
  async function sharedSession() {
    const owner = await createAccount(app, url);
    const { name } = await launchSession(url, owner, { template });
    const [viewer, collaborator, controller, stranger] = await Promise.all([
      createAccount(app, url),
      createAccount(app, url),
      createAccount(app, url),
      createAccount(app, url),
    ]);
    const shareIds: Record<string, string> = {};
    for (const [user, level] of [
      [viewer, 'view'],
      [collaborator, 'collaborate'],
      [controller, 'control'],
    ] as const) {
      const answer = await as(owner)
        .post(`/sessions/${name}/share`, { sharedWithUserId: user.id, permissionLevel: level })
        .expect(201);
      shareIds[level] = answer.body.id;
    }
    return { owner, name, viewer, collaborator, controller, stranger, shareIds };
  }

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
    db = app.get<DataSource>(getDataSourceToken());
    k8s = app.get(K8sService);
    template = await createTemplate(app);
    operator = await createAccount(app, url, { role: 'operator' });
    admin = await createAccount(app, url, { role: 'admin' });
  });
  afterAll(() => app?.close());

  it('shares with a user: 201, then 200 "Share updated"; refuses the owner, unknown and disabled users, a past expiry', async () => {
    const owner = await createAccount(app, url);
    const friend = await createAccount(app, url);
    const { name } = await launchSession(url, owner, { template });
    const created = await as(owner)
      .post(`/sessions/${name}/share`, { sharedWithUserId: friend.id, permissionLevel: 'view' })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      shareToken: expect.stringMatching(TOKEN),
      message: 'Session shared successfully',
    });
    // By username too; the same user's share is updated, not doubled.
    const updated = await as(owner)
      .post(`/sessions/${name}/share`, { sharedWithUserId: friend.username, permissionLevel: 'control' })
      .expect(200);
    expect(updated.body).toEqual({ ...created.body, message: 'Share updated' });

    await as(owner)
      .post(`/sessions/${name}/share`, { sharedWithUserId: owner.id, permissionLevel: 'view' })
      .expect(400, { error: 'Invalid share', message: 'A session cannot be shared with its owner' });
    const unknown = await as(owner)
      .post(`/sessions/${name}/share`, { sharedWithUserId: 'nobody-here', permissionLevel: 'view' })
      .expect(404);
    expect(unknown.body.error).toBe('User not found');
    const disabled = await createAccount(app, url);
    await as(admin).patch(`/users/${disabled.id}`, { active: false }).expect(200);
    await as(owner)
      .post(`/sessions/${name}/share`, { sharedWithUserId: disabled.id, permissionLevel: 'view' })
      .expect(404);
    await as(owner)
      .post(`/sessions/${name}/share`, {
        sharedWithUserId: friend.id,
        permissionLevel: 'view',
        expiresAt: new Date(Date.now() - 60_000).toISOString(),
      })
      .expect(400);
    for (const body of [{ sharedWithUserId: friend.id, permissionLevel: 'admin' }, { permissionLevel: 'view' }])
      expect((await as(owner).post(`/sessions/${name}/share`, body).expect(400)).body.error).toBe('Invalid request');

    const { shares } = (await as(owner).get(`/sessions/${name}/shares`).expect(200)).body;
    expect(shares).toEqual([
      {
        id: created.body.id,
        sessionId: name,
        ownerUserId: owner.id,
        sharedWithUserId: friend.id,
        permissionLevel: 'control',
        shareToken: created.body.shareToken,
        createdAt: expect.any(String),
        user: { id: friend.id, username: friend.username, fullName: '', email: expect.any(String) },
      },
    ]);
  });

  it('role matrix: shared users reach what their level allows, others never learn the session exists', async () => {
    const { owner, name, viewer, collaborator, controller, stranger, shareIds } = await sharedSession();
    const shared = [viewer, collaborator, controller];

    for (const user of [owner, ...shared, operator, admin]) await as(user).get(`/sessions/${name}`).expect(200);
    const notFound = { error: 'Session not found', message: `No session named '${name}'` };
    await as(stranger).get(`/sessions/${name}`).expect(404, notFound);

    // Reads and viewer traffic: every level; the stranger gets the same 404 as for no session.
    for (const user of shared) {
      await as(user).get(`/sessions/${name}/activity-status`).expect(200);
      await as(user).get(`/sessions/${name}/connections`).expect(200);
      await as(user).get(`/sessions/${name}/collaborators`).expect(200);
    }
    for (const path of ['activity-status', 'connections', 'collaborators', 'connect', 'shares', 'invitations'])
      await as(stranger).get(`/sessions/${name}/${path}`).expect(404, notFound);
    await as(stranger).post(`/sessions/${name}/heartbeat`).expect(404, notFound);
    await as(stranger).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(404, notFound);
    await as(stranger).delete(`/sessions/${name}`).expect(404, notFound);
    await as(stranger)
      .post(`/sessions/${name}/share`, { sharedWithUserId: stranger.id, permissionLevel: 'view' })
      .expect(404, notFound);

    // No level deletes, tags, re-shares or manages shares and invitations.
    for (const user of shared) {
      await as(user).delete(`/sessions/${name}`).expect(403, beyondShare);
      await as(user)
        .patch(`/sessions/${name}/tags`, { tags: ['x'] })
        .expect(403, beyondShare);
      await as(user)
        .post(`/sessions/${name}/share`, { sharedWithUserId: stranger.id, permissionLevel: 'view' })
        .expect(403, beyondShare);
      await as(user).get(`/sessions/${name}/shares`).expect(403, beyondShare);
      await as(user).delete(`/sessions/${name}/shares/${shareIds.view}`).expect(403, beyondShare);
      await as(user).post(`/sessions/${name}/invitations`, { permissionLevel: 'view' }).expect(403, beyondShare);
      await as(user).get(`/sessions/${name}/invitations`).expect(403, beyondShare);
      await as(user).delete(`/sessions/${name}/collaborators/${viewer.id}`).expect(403, beyondShare);
    }

    // view and collaborate cannot change the state; control can.
    await as(viewer).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(403, beyondShare);
    await as(collaborator).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(403, beyondShare);
    expect((await k8s.sessions.get(name)).spec.state).toBe('running');
    const hibernated = await as(controller).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(202);
    expect(hibernated.body.state).toBe('hibernated');
    const resource = await k8s.sessions.get(name);
    expect(resource.spec.state).toBe('hibernated');
    expect(resource.metadata.annotations?.['streamspace.io/state-reason']).toBe('user');
    await as(controller).patch(`/sessions/${name}`, { state: 'running' }).expect(202);

    // Operators and admins manage anyone's shares.
    await as(operator).get(`/sessions/${name}/shares`).expect(200);
    await as(admin)
      .post(`/sessions/${name}/share`, { sharedWithUserId: stranger.id, permissionLevel: 'view' })
      .expect(201);
    await as(stranger).get(`/sessions/${name}`).expect(200);

    // A shared session never enters the shared user's own list (nor the sessions WebSocket, which reads it).
    const own = (await as(viewer).get('/sessions').expect(200)).body;
    expect(own.sessions.map((s: { name: string }) => s.name)).not.toContain(name);
  });

  it('lets every level connect, heartbeat and disconnect its own connection; a share becomes a collaborator', async () => {
    const { owner, name, viewer, collaborator } = await sharedSession();
    expect((await as(owner).get(`/sessions/${name}/collaborators`).expect(200)).body).toEqual({
      collaborators: [],
      total: 0,
    });
    const { connectionId } = (await as(viewer).get(`/sessions/${name}/connect?user=${viewer.username}`).expect(200))
      .body;
    const [row] = await db.query<{ user_id: string }[]>('SELECT user_id FROM connections WHERE id = $1', [
      connectionId,
    ]);
    expect(row.user_id).toBe(viewer.id);
    await as(viewer).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(200);
    // Not someone else's connection.
    await as(collaborator).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(404);
    await as(collaborator).post(`/sessions/${name}/disconnect?connectionId=${connectionId}`).expect(404);
    // Acting for another user stays an operator's right.
    await as(viewer).get(`/sessions/${name}/connect?user=${owner.username}`).expect(403);

    const { collaborators, total } = (await as(collaborator).get(`/sessions/${name}/collaborators`).expect(200)).body;
    expect(total).toBe(1);
    expect(collaborators[0]).toEqual({
      id: expect.any(String),
      sessionId: name,
      userId: viewer.id,
      permissionLevel: 'view',
      joinedAt: expect.any(String),
      lastActivity: expect.any(String),
      isActive: true,
      user: { username: viewer.username, fullName: '' },
    });

    await as(viewer)
      .post(`/sessions/${name}/disconnect?connectionId=${connectionId}`)
      .expect(200, { message: 'Connection closed', activeConnections: 0 });
    const after = (await as(owner).get(`/sessions/${name}/collaborators`).expect(200)).body.collaborators;
    expect(after[0].isActive).toBe(false);
  });

  it('grants nothing once a share has expired, checked on every use', async () => {
    const { owner, name, controller } = await sharedSession();
    const { connectionId } = (await as(controller).get(`/sessions/${name}/connect`).expect(200)).body;
    expect((await as(controller).get('/shared-sessions').expect(200)).body.sessions).toHaveLength(1);

    await db.query(
      `UPDATE session_shares SET expires_at = now() - interval '1 second' WHERE session_name = $1 AND shared_with_user_id = $2`,
      [name, controller.id],
    );
    await as(controller).get(`/sessions/${name}`).expect(404);
    await as(controller).get(`/sessions/${name}/connect`).expect(404);
    await as(controller).post(`/sessions/${name}/heartbeat?connectionId=${connectionId}`).expect(404);
    await as(controller).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(404);
    await as(controller).get(`/sessions/${name}/collaborators`).expect(404);
    expect((await as(controller).get('/shared-sessions').expect(200)).body).toEqual({ sessions: [] });
    expect((await as(owner).get(`/sessions/${name}/collaborators`).expect(200)).body.total).toBe(0);
  });

  it("revoking a share closes that user's open connections and only theirs", async () => {
    const { owner, name, viewer, collaborator, shareIds } = await sharedSession();
    const viewerConnection = (await as(viewer).get(`/sessions/${name}/connect`).expect(200)).body.connectionId;
    const ownerConnection = (await as(owner).get(`/sessions/${name}/connect`).expect(200)).body.connectionId;
    const collaboratorConnection = (await as(collaborator).get(`/sessions/${name}/connect`).expect(200)).body
      .connectionId;

    await as(owner).delete(`/sessions/${name}/shares/${shareIds.view}`).expect(200, { message: 'Share revoked' });
    await as(owner)
      .delete(`/sessions/${name}/shares/${shareIds.view}`)
      .expect(404, { error: 'Share not found', message: `No share '${shareIds.view}' of this session` });
    await as(owner).delete(`/sessions/${name}/shares/not-a-uuid`).expect(404);
    const closed = await db.query<{ id: string; close_reason: string | null }[]>(
      'SELECT id, close_reason FROM connections WHERE id = ANY($1)',
      [[viewerConnection, ownerConnection, collaboratorConnection]],
    );
    expect(Object.fromEntries(closed.map((c) => [c.id, c.close_reason]))).toEqual({
      [viewerConnection]: 'share_revoked',
      [ownerConnection]: null,
      [collaboratorConnection]: null,
    });
    await as(viewer).post(`/sessions/${name}/heartbeat?connectionId=${viewerConnection}`).expect(404);
    await as(viewer).get(`/sessions/${name}`).expect(404);

    // DELETE …/collaborators/:userId is the same revocation.
    await as(owner).delete(`/sessions/${name}/collaborators/${collaborator.id}`).expect(200);
    const [row] = await db.query<{ close_reason: string }[]>('SELECT close_reason FROM connections WHERE id = $1', [
      collaboratorConnection,
    ]);
    expect(row.close_reason).toBe('share_revoked');
    await as(owner).delete(`/sessions/${name}/collaborators/${collaborator.id}`).expect(404);
  });

  it('records collaborator activity for that collaborator only', async () => {
    const { owner, name, viewer, collaborator, stranger } = await sharedSession();
    const before = (await db.query<{ t: Date }[]>('SELECT last_activity AS t FROM sessions WHERE name = $1', [name]))[0]
      .t;
    await as(viewer)
      .post(`/sessions/${name}/collaborators/${viewer.id}/activity`)
      .expect(200, { message: 'Activity recorded' });
    const after = (await db.query<{ t: Date }[]>('SELECT last_activity AS t FROM sessions WHERE name = $1', [name]))[0]
      .t;
    expect(new Date(after).getTime()).toBeGreaterThanOrEqual(new Date(before).getTime());
    await as(viewer).post(`/sessions/${name}/collaborators/${collaborator.id}/activity`).expect(403);
    await as(owner).post(`/sessions/${name}/collaborators/${viewer.id}/activity`).expect(403);
    await as(operator).post(`/sessions/${name}/collaborators/${viewer.id}/activity`).expect(200);
    await as(operator).post(`/sessions/${name}/collaborators/${stranger.id}/activity`).expect(404);
    await as(stranger).post(`/sessions/${name}/collaborators/${stranger.id}/activity`).expect(404);
  });

  it('lists "Shared with Me" for the caller; another user\'s list only for operators', async () => {
    const { owner, name, viewer, controller } = await sharedSession();
    await k8s.sessions.patchStatus(name, { phase: 'Running', url: 'https://shared.example/' });
    await eventually(async () => {
      const { sessions } = (await as(viewer).get('/shared-sessions').expect(200)).body;
      expect(sessions).toEqual([
        {
          id: name,
          ownerUserId: owner.id,
          ownerUsername: owner.username,
          templateName: template,
          state: 'running',
          appType: 'desktop',
          createdAt: expect.any(String),
          sharedAt: expect.any(String),
          permissionLevel: 'view',
          isShared: true,
          url: 'https://shared.example/',
        },
      ]);
    });
    await as(viewer).get(`/shared-sessions?userId=${viewer.id}`).expect(200);
    await as(viewer).get(`/shared-sessions?userId=${controller.id}`).expect(403, {
      error: 'Forbidden',
      message: 'Only operators and admins may act for another user',
    });
    const forOperator = (await as(operator).get(`/shared-sessions?userId=${controller.id}`).expect(200)).body;
    expect(forOperator.sessions[0]).toMatchObject({ id: name, permissionLevel: 'control' });
    expect((await as(owner).get('/shared-sessions').expect(200)).body).toEqual({ sessions: [] });
  });

  it('invitations: create, list, accept (creating or raising a share), expire, run out, revoke', async () => {
    const owner = await createAccount(app, url);
    const { name } = await launchSession(url, owner, { template });
    const [guest, second, viewer] = await Promise.all([
      createAccount(app, url),
      createAccount(app, url),
      createAccount(app, url),
    ]);
    await as(owner).post(`/sessions/${name}/share`, { sharedWithUserId: viewer.id, permissionLevel: 'view' });

    const created = await as(owner)
      .post(`/sessions/${name}/invitations`, { permissionLevel: 'control', maxUses: 2 })
      .expect(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      invitationToken: expect.stringMatching(TOKEN),
      message: 'Invitation created',
    });
    const token = created.body.invitationToken as string;
    const { invitations } = (await as(owner).get(`/sessions/${name}/invitations`).expect(200)).body;
    expect(invitations).toEqual([
      {
        id: created.body.id,
        sessionId: name,
        createdBy: owner.id,
        invitationToken: token,
        permissionLevel: 'control',
        maxUses: 2,
        useCount: 0,
        createdAt: expect.any(String),
        isExpired: false,
        isExhausted: false,
      },
    ]);

    await as(owner)
      .post(`/invitations/${token}/accept`)
      .expect(400, { error: 'Invalid share', message: 'The owner of a session cannot accept an invitation to it' });
    await as(guest)
      .post(`/invitations/${token}/accept`)
      .expect(200, { sessionId: name, message: 'Invitation accepted' });
    await as(guest).patch(`/sessions/${name}`, { state: 'hibernated' }).expect(202);
    // An existing view share is raised to control.
    await as(viewer).post(`/invitations/${token}/accept`, { userId: guest.id }).expect(200);
    const viewerShares = (await as(viewer).get('/shared-sessions').expect(200)).body.sessions;
    expect(viewerShares[0].permissionLevel).toBe('control');
    const used = (await as(owner).get(`/sessions/${name}/invitations`).expect(200)).body.invitations[0];
    expect(used).toMatchObject({ useCount: 2, isExhausted: true });
    await as(second)
      .post(`/invitations/${token}/accept`)
      .expect(410, { error: 'Invitation expired', message: 'This invitation has expired or has been used up' });

    const expiring = (
      await as(owner)
        .post(`/sessions/${name}/invitations`, {
          permissionLevel: 'view',
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        })
        .expect(201)
    ).body.invitationToken as string;
    await db.query(`UPDATE session_invitations SET expires_at = now() - interval '1 second' WHERE session_name = $1`, [
      name,
    ]);
    await as(second).post(`/invitations/${expiring}/accept`).expect(410);

    const revocable = (await as(owner).post(`/sessions/${name}/invitations`, { permissionLevel: 'view' }).expect(201))
      .body.invitationToken as string;
    const notFound = { error: 'Invitation not found', message: 'No such invitation' };
    await as(second).delete(`/invitations/${revocable}`).expect(404, notFound);
    await as(owner).delete(`/invitations/${revocable}`).expect(200, { message: 'Invitation revoked' });
    await as(second).post(`/invitations/${revocable}/accept`).expect(404, notFound);
    await as(second)
      .post(`/invitations/${'x'.repeat(43)}/accept`)
      .expect(404, notFound);
    for (const body of [{ permissionLevel: 'view', maxUses: 0 }, { permissionLevel: 'view', maxUses: 101 }, {}])
      await as(owner).post(`/sessions/${name}/invitations`, body).expect(400);
  });

  it('lets exactly maxUses of many concurrent accepts succeed', async () => {
    const owner = await createAccount(app, url);
    const { name } = await launchSession(url, owner, { template });
    const token = (
      await as(owner).post(`/sessions/${name}/invitations`, { permissionLevel: 'view', maxUses: 3 }).expect(201)
    ).body.invitationToken as string;
    const guests = await Promise.all(Array.from({ length: 8 }, () => createAccount(app, url)));
    const answers = await Promise.all(guests.map((guest) => as(guest).post(`/invitations/${token}/accept`)));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 410, 410, 410, 410, 410]);
    const [{ count }] = await db.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM session_shares WHERE session_name = $1',
      [name],
    );
    expect(count).toBe(3);
    const [{ use_count }] = await db.query<{ use_count: number }[]>(
      'SELECT use_count FROM session_invitations WHERE session_name = $1',
      [name],
    );
    expect(use_count).toBe(3);
  });

  it('removes shares and invitations with their session, by REST and when the resource goes elsewhere', async () => {
    const countsOf = async (name: string) =>
      (
        await db.query<{ shares: number; invitations: number }[]>(
          `SELECT (SELECT count(*)::int FROM session_shares WHERE session_name = $1) AS shares,
                  (SELECT count(*)::int FROM session_invitations WHERE session_name = $1) AS invitations`,
          [name],
        )
      )[0];
    const viaRest = await sharedSession();
    await as(viaRest.owner).post(`/sessions/${viaRest.name}/invitations`, { permissionLevel: 'view' }).expect(201);
    await as(viaRest.owner).delete(`/sessions/${viaRest.name}`).expect(202);
    expect(await countsOf(viaRest.name)).toEqual({ shares: 0, invitations: 0 });

    const viaKubectl = await sharedSession();
    await as(viaKubectl.owner).post(`/sessions/${viaKubectl.name}/invitations`, { permissionLevel: 'view' });
    await k8s.sessions.delete(viaKubectl.name);
    await eventually(async () => expect(await countsOf(viaKubectl.name)).toEqual({ shares: 0, invitations: 0 }));
    expect((await as(viaKubectl.viewer).get('/shared-sessions').expect(200)).body).toEqual({ sessions: [] });
  });
});

describe("a shared user's connections and heartbeats are activity (§3.17, §6.3)", () => {
  const MINUTE = 60_000;
  let app: NestExpressApplication;
  let url: string;

  beforeAll(async () => {
    ({ app, url } = await startTestApp({ RECONCILER_ENABLED: 'false' }));
  });
  afterAll(() => app?.close());

  it('keeps the session from the idle monitor while the shared user is connected', async () => {
    const db = app.get<DataSource>(getDataSourceToken());
    const clock = controllableClock(app);
    const owner = await createAccount(app, url);
    const viewer = await createAccount(app, url);
    const { name } = await launchSession(url, owner, { template: await createTemplate(app) });
    await request(url)
      .post(`/api/v1/sessions/${name}/share`)
      .set('Authorization', owner.bearer)
      .send({ sharedWithUserId: viewer.id, permissionLevel: 'view' })
      .expect(201);
    const { connectionId } = (
      await request(url).get(`/api/v1/sessions/${name}/connect`).set('Authorization', viewer.bearer).expect(200)
    ).body;

    clock.advance(20 * MINUTE);
    const beat = await request(url)
      .post(`/api/v1/sessions/${name}/heartbeat?connectionId=${connectionId}`)
      .set('Authorization', viewer.bearer)
      .expect(200);
    expect(new Date(beat.body.lastActivity).getTime()).toBeGreaterThanOrEqual(clock.now().getTime() - 1000);

    // Idle past the 30 minute timeout since the heartbeat, but the shared user is still connected.
    clock.advance(35 * MINUTE);
    await db.query('UPDATE connections SET last_heartbeat = $2 WHERE id = $1', [connectionId, clock.now()]);
    expect(await app.get(IdleMonitor).tick()).not.toContain(name);
    // Once the shared user's connection is gone, the same idle session is hibernated.
    await request(url)
      .post(`/api/v1/sessions/${name}/disconnect?connectionId=${connectionId}`)
      .set('Authorization', viewer.bearer)
      .expect(200);
    expect(await app.get(IdleMonitor).tick()).toContain(name);
  });
});
