import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import {
  type ApplicationsApp,
  catalogId,
  installApplication,
  installedTemplate,
  startApplicationsApp,
} from './applications-fixture.js';

const NOT_FOUND = { error: 'Application not found', message: 'The application does not exist or was deleted' };

describe('who sees and launches applications, and group access (§3.7, §3.3 step 2)', () => {
  let env: ApplicationsApp;
  let operator: TestAccount;
  let member: TestAccount;
  let viewer: TestAccount;
  let stranger: TestAccount;
  let team: { id: string; name: string };
  let watchers: { id: string; name: string };
  let open: { id: string; templateName: string; displayName: string };
  let teamOnly: { id: string; templateName: string; displayName: string };
  let viewOnly: { id: string; templateName: string; displayName: string };

  const api = (account: TestAccount | undefined, method: 'get' | 'post' | 'put' | 'delete', path: string) => {
    const call = request(env.url)[method](`/api/v1${path}`);
    return account ? call.set('Authorization', account.bearer) : call;
  };
  const visibleTo = async (account: TestAccount) =>
    ((await api(account, 'get', '/applications/user').expect(200)).body.applications as { displayName: string }[]).map(
      (a) => a.displayName,
    );
  const launch = (account: TestAccount, applicationId: string) =>
    api(account, 'post', '/sessions').send({ applicationId, user: account.username });
  const createGroup = async (name: string, displayName: string, members: TestAccount[]) => {
    const [group] = await env.db.query('INSERT INTO groups (name, display_name) VALUES ($1, $2) RETURNING id, name', [
      name,
      displayName,
    ]);
    for (const account of members)
      await env.db.query('INSERT INTO group_memberships (group_id, user_id) VALUES ($1, $2)', [group.id, account.id]);
    return group as { id: string; name: string };
  };

  beforeAll(async () => {
    env = await startApplicationsApp();
    [operator, member, viewer, stranger] = await Promise.all([
      createAccount(env.app, env.url, { role: 'operator' }),
      createAccount(env.app, env.url),
      createAccount(env.app, env.url),
      createAccount(env.app, env.url),
    ]);
    team = await createGroup(uniqueName('team'), 'Team', [member]);
    watchers = await createGroup(uniqueName('watchers'), 'Watchers', [viewer]);
    const gimp = await catalogId(env, 'gimp');
    open = await installApplication(env, operator, { catalogTemplateId: gimp, displayName: 'A Open' });
    teamOnly = await installApplication(env, operator, {
      catalogTemplateId: gimp,
      displayName: 'B Team',
      groupIds: [team.id],
    });
    viewOnly = await installApplication(env, operator, { catalogTemplateId: gimp, displayName: 'C Watch' });
    await api(operator, 'post', `/applications/${viewOnly.id}/groups`)
      .send({ groupId: watchers.id, accessLevel: 'view' })
      .expect(201);
    for (const application of [open, teamOnly, viewOnly]) await installedTemplate(env, application);
  });
  afterAll(() => env?.close());

  it('shows users the enabled, installed applications open to them, by display name', async () => {
    expect(await visibleTo(stranger)).toEqual(['A Open']);
    expect(await visibleTo(member)).toEqual(['A Open', 'B Team']);
    expect(await visibleTo(viewer)).toEqual(['A Open', 'C Watch']);
    expect(await visibleTo(operator)).toEqual(['A Open', 'B Team', 'C Watch']); // the creator
    const { body } = await api(member, 'get', '/applications/user').expect(200);
    expect(body.total).toBe(2);
    expect(body.applications[0]).toMatchObject({
      id: open.id,
      name: open.templateName,
      templateName: open.templateName,
      displayName: 'A Open',
      category: 'Graphics',
    });
    expect(body.applications[0]).not.toHaveProperty('groups');
  });

  it('launches only with a launch right: creator, open application, launch/admin group level, or operator', async () => {
    expect((await launch(stranger, open.id).expect(202)).body).toMatchObject({
      template: open.templateName,
      applicationId: open.id,
    });
    await launch(member, teamOnly.id).expect(202);
    await launch(stranger, teamOnly.id).expect(403, {
      error: 'Forbidden',
      message: "You do not have launch access to the application 'B Team'",
    });
    await launch(viewer, viewOnly.id).expect(403);
    await api(operator, 'put', `/applications/${viewOnly.id}/groups/${watchers.id}`)
      .send({ accessLevel: 'admin' })
      .expect(200, { message: 'Group access updated successfully' });
    await launch(viewer, viewOnly.id).expect(202);
    await api(operator, 'put', `/applications/${viewOnly.id}/groups/${watchers.id}`)
      .send({ accessLevel: 'view' })
      .expect(200);
    await launch(operator, viewOnly.id).expect(202);
    await api(stranger, 'post', '/sessions')
      .send({ applicationId: '00000000-0000-0000-0000-000000000000' })
      .expect(404, {
        error: 'Application not found',
        message: 'No application found with ID: 00000000-0000-0000-0000-000000000000',
      });
  });

  it('hides a disabled application and refuses to launch it until enabled again', async () => {
    await api(operator, 'put', `/applications/${open.id}/enabled`)
      .send({ enabled: false })
      .expect(200, { message: 'Application disabled successfully', enabled: false });
    expect(await visibleTo(stranger)).toEqual([]);
    expect(await visibleTo(operator)).toEqual(['B Team', 'C Watch']);
    await launch(stranger, open.id).expect(400, {
      error: 'Application disabled',
      message: "The application 'A Open' is currently disabled",
    });
    const disabled = (await api(operator, 'get', '/applications?enabled=false&_t=123').expect(200)).body;
    expect(disabled.applications.map((a: { id: string }) => a.id)).toEqual([open.id]);
    await api(operator, 'put', `/applications/${open.id}/enabled`)
      .send({ enabled: true })
      .expect(200, { message: 'Application enabled successfully', enabled: true });
    expect(await visibleTo(stranger)).toEqual(['A Open']);
    await api(operator, 'put', `/applications/${open.id}/enabled`).send({}).expect(400);
    await api(operator, 'put', `/applications/${open.id}/enabled`).send({ enabled: 'no' }).expect(400);
  });

  it('grants, changes and removes group access as an upsert with the contract statuses', async () => {
    const path = `/applications/${teamOnly.id}/groups`;
    await api(operator, 'post', path)
      .send({ groupId: watchers.id })
      .expect(201, { message: 'Group access granted successfully' });
    await api(operator, 'post', path)
      .send({ groupId: watchers.id, accessLevel: 'view' })
      .expect(200, { message: 'Group access updated successfully' });
    const { body } = await api(operator, 'get', path).expect(200);
    expect(body.total).toBe(2);
    const byName = [team, watchers].sort((a, b) => (a.name < b.name ? -1 : 1));
    expect(body.groups.map((g: { groupId: string }) => g.groupId)).toEqual(byName.map((g) => g.id));
    expect(body.groups.find((g: { groupId: string }) => g.groupId === watchers.id)).toEqual({
      id: expect.any(String),
      applicationId: teamOnly.id,
      groupId: watchers.id,
      accessLevel: 'view',
      groupName: watchers.name,
      groupDisplayName: 'Watchers',
      createdAt: expect.any(String),
    });
    expect(await visibleTo(viewer)).toEqual(['A Open', 'B Team', 'C Watch']);

    await api(operator, 'post', path).send({ groupId: watchers.id, accessLevel: 'owner' }).expect(400, {
      error: 'Invalid access level',
      message: 'accessLevel must be one of view, launch, admin',
    });
    await api(operator, 'post', path).send({ groupId: '00000000-0000-0000-0000-000000000000' }).expect(400, {
      error: 'Group not found',
      message: 'No group with ID 00000000-0000-0000-0000-000000000000',
    });
    expect((await api(operator, 'post', path).send({}).expect(400)).body.error).toBe('Invalid request');
    await api(operator, 'put', `${path}/${watchers.id}`).send({ accessLevel: 'nope' }).expect(400);

    await api(operator, 'delete', `${path}/${watchers.id}`).expect(200, {
      message: 'Group access removed successfully',
    });
    const missing = {
      error: 'Group access not found',
      message: `Group '${watchers.id}' has no access entry on this application`,
    };
    await api(operator, 'delete', `${path}/${watchers.id}`).expect(404, missing);
    await api(operator, 'put', `${path}/${watchers.id}`).send({ accessLevel: 'launch' }).expect(404, missing);
    expect(await visibleTo(viewer)).toEqual(['A Open', 'C Watch']);

    // Without any group row an application is open to everyone.
    await api(operator, 'delete', `${path}/${team.id}`).expect(200);
    expect(await visibleTo(stranger)).toEqual(['A Open', 'B Team']);
    await api(operator, 'post', path).send({ groupId: team.id }).expect(201);
    expect(await visibleTo(stranger)).toEqual(['A Open']);
  });

  it('lists every application with its groups for operators, and reads one with manifest, config and icon', async () => {
    const { body } = await api(operator, 'get', '/applications').expect(200);
    expect(body.applications.map((a: { displayName: string }) => a.displayName)).toEqual([
      'A Open',
      'B Team',
      'C Watch',
    ]);
    expect(body.applications[1].groups).toEqual([expect.objectContaining({ groupId: team.id, accessLevel: 'launch' })]);
    expect((await api(operator, 'get', '/applications?enabled=maybe').expect(400)).body.error).toBe('Invalid request');

    const config = (await api(operator, 'get', `/applications/${open.id}/config`).expect(200)).body.config;
    expect(config).toMatchObject({ displayName: 'GIMP', baseImage: 'lscr.io/linuxserver/gimp:latest' });

    const icon = await api(stranger, 'get', `/applications/${open.id}/icon`).redirects(0).expect(302);
    expect(icon.headers.location).toBe(
      'https://raw.githubusercontent.com/linuxserver/docker-templates/master/linuxserver.io/img/gimp-logo.png',
    );
    expect(icon.headers['cache-control']).toBe('public, max-age=86400');

    const [{ id: plain }] = await env.db.query(
      `INSERT INTO catalog_templates (name, display_name, manifest) VALUES ($1, 'No Icon', '{"displayName":"No Icon","baseImage":"x:1"}') RETURNING id`,
      [uniqueName('noicon')],
    );
    const iconless = await installApplication(env, operator, { catalogTemplateId: plain });
    await api(stranger, 'get', `/applications/${iconless.id}/icon`).expect(404, {
      error: 'Icon not found',
      message: 'This application has no icon',
    });
    await api(operator, 'delete', `/applications/${iconless.id}`).expect(200);
  });

  it('answers 404 for unknown and malformed application ids on every route', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      await api(operator, 'get', `/applications/${id}`).expect(404, NOT_FOUND);
      await api(operator, 'put', `/applications/${id}`).send({ displayName: 'x' }).expect(404, NOT_FOUND);
      await api(operator, 'delete', `/applications/${id}`).expect(404, NOT_FOUND);
      await api(operator, 'put', `/applications/${id}/enabled`).send({ enabled: true }).expect(404, NOT_FOUND);
      await api(operator, 'get', `/applications/${id}/config`).expect(404, NOT_FOUND);
      await api(stranger, 'get', `/applications/${id}/icon`).expect(404, NOT_FOUND);
      await api(operator, 'get', `/applications/${id}/groups`).expect(404, NOT_FOUND);
      await api(operator, 'post', `/applications/${id}/groups`).send({ groupId: team.id }).expect(404, NOT_FOUND);
      await api(operator, 'put', `/applications/${id}/groups/${team.id}`)
        .send({ accessLevel: 'view' })
        .expect(404, NOT_FOUND);
      await api(operator, 'delete', `/applications/${id}/groups/${team.id}`).expect(404, NOT_FOUND);
    }
    expect(
      (await api(operator, 'put', `/applications/${open.id}`).send({ displayName: '' }).expect(400)).body.error,
    ).toBe('Invalid request');
    expect(
      (await api(operator, 'put', `/applications/${open.id}`).send({ configuration: 'x' }).expect(400)).body.error,
    ).toBe('Invalid request');
    expect((await api(operator, 'get', `/applications/${open.id}`).expect(200)).body.displayName).toBe('A Open');
  });
});
