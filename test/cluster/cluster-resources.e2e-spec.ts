import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { createAccount, type TestAccount, uniqueName } from '../support/accounts.js';
import { kubectl } from '../support/kubectl.js';
import { testNamespace } from '../support/namespace.js';
import { startTestApp } from '../support/test-app.js';

/** Whether kubectl finds the object (namespaced unless `namespace` is undefined). */
async function exists(resource: string, name: string, namespace?: string): Promise<boolean> {
  const args = ['get', resource, name, '--ignore-not-found', '-o', 'name', ...(namespace ? ['-n', namespace] : [])];
  return (await kubectl(args)).trim() !== '';
}

const configMap = (name: string, data: Record<string, string> = { greeting: 'hello' }, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, labels: { suite: 'cluster-api' } },
  data,
  ...extra,
});

describe('cluster browsing and generic resources /api/v1/cluster (§3.9)', () => {
  let app: NestExpressApplication;
  let url: string;
  let operator: TestAccount;
  let admin: TestAccount;
  let user: TestAccount;
  const namespace = testNamespace();
  const extraNamespace = uniqueName('extra');
  const foreignNamespace = uniqueName('foreign');
  const call = (
    account: TestAccount | undefined,
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    path: string,
    body?: object,
  ) => {
    let req = request(url)[method](`/api/v1/cluster${path}`);
    if (account) req = req.set('Authorization', account.bearer);
    return body === undefined ? req : req.send(body);
  };

  beforeAll(async () => {
    await Promise.all([
      kubectl(['create', 'namespace', extraNamespace]),
      kubectl(['create', 'namespace', foreignNamespace]),
    ]);
    ({ app, url } = await startTestApp({ CLUSTER_WRITE_NAMESPACES: extraNamespace }));
    [operator, admin, user] = await Promise.all([
      createAccount(app, url, { role: 'operator' }),
      createAccount(app, url, { role: 'admin' }),
      createAccount(app, url),
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await kubectl(['delete', 'namespace', extraNamespace, foreignNamespace, '--wait=false']);
  });

  describe('read-only lists', () => {
    it('returns the raw list objects without managedFields', async () => {
      const name = uniqueName('listed');
      await kubectl(['create', 'service', 'clusterip', name, '--tcp=80:80', '-n', foreignNamespace]);
      const expectations: [string, string, string][] = [
        ['/nodes', 'NodeList', 'kwok-node-0'],
        ['/namespaces', 'NamespaceList', foreignNamespace],
        [`/services?namespace=${foreignNamespace}`, 'ServiceList', name],
      ];
      for (const [path, kind, member] of expectations) {
        const { body } = await call(operator, 'get', path).expect(200);
        expect(body).toMatchObject({ apiVersion: 'v1', kind, metadata: { resourceVersion: expect.any(String) } });
        expect(body.items.map((item: { metadata: { name: string } }) => item.metadata.name)).toContain(member);
        for (const item of body.items) expect(item.metadata).not.toHaveProperty('managedFields');
      }
      // Timestamps stay as Kubernetes wrote them.
      const nodes = (await call(operator, 'get', '/nodes').expect(200)).body;
      expect(nodes.items[0].metadata.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const services = (await call(operator, 'get', `/services?namespace=${foreignNamespace}`).expect(200)).body;
      expect(services.items).toHaveLength(1);
      expect(
        (await call(operator, 'get', '/services').expect(200)).body.items.map(
          (s: { metadata: { name: string } }) => s.metadata.name,
        ),
      ).not.toContain(name);
    });

    it('lists pods and deployments of a namespace, filtered by label', async () => {
      const name = uniqueName('dep');
      await kubectl(['create', 'deployment', name, '--image=busybox', '-n', foreignNamespace]);
      const deployments = (
        await call(operator, 'get', `/deployments?namespace=${foreignNamespace}&labelSelector=app%3D${name}`).expect(
          200,
        )
      ).body;
      expect(deployments).toMatchObject({ apiVersion: 'apps/v1', kind: 'DeploymentList' });
      expect(deployments.items.map((d: { metadata: { name: string } }) => d.metadata.name)).toEqual([name]);
      expect(
        (await call(operator, 'get', `/deployments?namespace=${foreignNamespace}&labelSelector=app%3Dnone`).expect(200))
          .body.items,
      ).toEqual([]);
      const pods = (await call(operator, 'get', `/pods?namespace=${foreignNamespace}`).expect(200)).body;
      expect(pods).toMatchObject({ apiVersion: 'v1', kind: 'PodList', items: expect.any(Array) });
    });

    it('refuses a namespace that is not a DNS label and a selector Kubernetes rejects', async () => {
      const bad = await call(operator, 'get', '/pods?namespace=Not_A_Label').expect(400);
      expect(bad.body).toMatchObject({ error: 'Invalid request', message: 'namespace: must be a DNS label' });
      const selector = await call(operator, 'get', `/pods?labelSelector=${encodeURIComponent('a in (')}`).expect(400);
      expect(selector.body).toMatchObject({ error: 'Invalid resource' });
    });
  });

  describe('generic resources', () => {
    it('creates, reads in every spelling, replaces, patches and deletes a ConfigMap', async () => {
      const name = uniqueName('cm');
      const created = await call(operator, 'post', '/resources', configMap(name)).expect(201);
      expect(created.body).toMatchObject({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace },
        data: { greeting: 'hello' },
      });
      expect(created.body.metadata).not.toHaveProperty('managedFields');

      for (const spelling of ['ConfigMap', 'configmap', 'CONFIGMAPS', 'configmaps']) {
        const read = await call(operator, 'get', `/resources/${spelling}/${name}`).expect(200);
        expect(read.body.metadata.uid).toBe(created.body.metadata.uid);
      }

      const replaced = await call(
        operator,
        'put',
        `/resources/configmaps/${name}`,
        configMap(name, { greeting: 'bonjour' }),
      ).expect(200);
      expect(replaced.body.data).toEqual({ greeting: 'bonjour' });
      // A stale resourceVersion loses.
      await call(operator, 'put', `/resources/configmaps/${name}`, {
        ...configMap(name, { greeting: 'stale' }),
        metadata: { name, resourceVersion: created.body.metadata.resourceVersion },
      }).expect(409, { error: 'Conflict', message: 'The object changed while it was being updated; try again' });
      await call(operator, 'put', `/resources/configmaps/${name}`, configMap('other-name')).expect(400, {
        error: 'Name mismatch',
        message: `metadata.name must be '${name}'`,
      });

      const patched = await call(operator, 'patch', `/resources/ConfigMap/${name}`, {
        data: { extra: 'yes' },
        metadata: { labels: { suite: null } },
      }).expect(200);
      expect(patched.body.data).toEqual({ greeting: 'bonjour', extra: 'yes' });
      expect(patched.body.metadata.labels ?? {}).not.toHaveProperty('suite');
      expect(JSON.parse(await kubectl(['get', 'configmap', name, '-n', namespace, '-o', 'json'])).data).toEqual({
        greeting: 'bonjour',
        extra: 'yes',
      });

      await call(operator, 'delete', `/resources/configmaps/${name}`).expect(200, {
        message: 'Resource deleted successfully',
        kind: 'ConfigMap',
        name,
        namespace,
      });
      expect(await exists('configmap', name, namespace)).toBe(false);
      await call(operator, 'get', `/resources/configmaps/${name}`).expect(404, {
        error: 'Resource not found',
        message: `ConfigMap '${name}' not found in '${namespace}'`,
      });
      await call(operator, 'delete', `/resources/configmaps/${name}`).expect(404);
      await call(operator, 'patch', `/resources/configmaps/${name}`, { data: {} }).expect(404);
    });

    it('answers 409 for an object that already exists, and creates with generateName', async () => {
      const name = uniqueName('dup');
      await call(operator, 'post', '/resources', configMap(name)).expect(201);
      const duplicate = await call(operator, 'post', '/resources', configMap(name)).expect(409);
      expect(duplicate.body).toMatchObject({ error: 'Resource already exists' });
      const generated = await call(operator, 'post', '/resources', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { generateName: 'gen-' },
      }).expect(201);
      expect(generated.body.metadata.name).toMatch(/^gen-/);
      await call(operator, 'post', '/resources', { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }).expect(400);
    });

    it('answers 400 Invalid resource to an object without kind or apiVersion, creating nothing', async () => {
      const name = uniqueName('typeless');
      const malformed = { error: 'Invalid resource', message: 'The object must name its apiVersion and kind' };
      const { kind: _kind, ...withoutKind } = configMap(name);
      const { apiVersion: _apiVersion, ...withoutApiVersion } = configMap(name);
      await call(operator, 'post', '/resources', withoutKind).expect(400, malformed);
      await call(operator, 'post', '/resources', withoutApiVersion).expect(400, malformed);
      await call(operator, 'post', '/resources', { ...configMap(name), kind: '' }).expect(400, malformed);
      await call(operator, 'post', '/resources', { ...configMap(name), apiVersion: 7 }).expect(400, malformed);
      expect(await exists('configmap', name, namespace)).toBe(false);
    });

    it('manages the other allowed kinds through their own API groups', async () => {
      const name = uniqueName('web');
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
        },
      };
      await call(operator, 'post', '/resources', deployment).expect(201);
      const scaled = await call(operator, 'patch', `/resources/deployments/${name}`, { spec: { replicas: 2 } }).expect(
        200,
      );
      expect(scaled.body.spec.replicas).toBe(2);
      const pdb = {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name },
        spec: { maxUnavailable: 1, selector: { matchLabels: { app: name } } },
      };
      await call(operator, 'post', '/resources', pdb).expect(201);
      await call(operator, 'get', `/resources/PodDisruptionBudgets/${name}`).expect(200);
      await call(operator, 'delete', `/resources/poddisruptionbudget/${name}`).expect(200);
      await call(operator, 'delete', `/resources/Deployment/${name}`).expect(200);
      // Kubernetes validation errors come back as 400 Invalid resource.
      const invalid = await call(operator, 'post', '/resources', {
        ...deployment,
        metadata: { name: 'Bad_Name' },
      }).expect(400);
      expect(invalid.body).toMatchObject({ error: 'Invalid resource' });
    });

    it('writes only in NAMESPACE and CLUSTER_WRITE_NAMESPACES; reads anywhere', async () => {
      const name = uniqueName('ns');
      await call(operator, 'post', `/resources?namespace=${extraNamespace}`, configMap(name)).expect(201);
      expect(await exists('configmap', name, extraNamespace)).toBe(true);
      await call(operator, 'post', '/resources', {
        ...configMap(name),
        metadata: { name, namespace: extraNamespace },
      }).expect(409);
      await call(operator, 'post', `/resources?namespace=${namespace}`, {
        ...configMap(name),
        metadata: { name, namespace: extraNamespace },
      }).expect(400);

      const refused = {
        error: 'Namespace not allowed',
        message: `Writes are not allowed in namespace '${foreignNamespace}'`,
      };
      await call(operator, 'post', `/resources?namespace=${foreignNamespace}`, configMap(name)).expect(403, refused);
      await call(operator, 'post', '/resources', {
        ...configMap(name),
        metadata: { name, namespace: foreignNamespace },
      }).expect(403, refused);
      expect(await exists('configmap', name, foreignNamespace)).toBe(false);

      await kubectl(['create', 'configmap', name, '--from-literal=k=v', '-n', foreignNamespace]);
      await call(operator, 'get', `/resources/configmaps/${name}?namespace=${foreignNamespace}`).expect(200);
      await call(
        operator,
        'put',
        `/resources/configmaps/${name}?namespace=${foreignNamespace}`,
        configMap(name, { k: 'changed' }),
      ).expect(403, refused);
      await call(operator, 'patch', `/resources/configmaps/${name}?namespace=${foreignNamespace}`, {
        data: { k: 'changed' },
      }).expect(403, refused);
      await call(operator, 'delete', `/resources/configmaps/${name}?namespace=${foreignNamespace}`).expect(
        403,
        refused,
      );
      expect(JSON.parse(await kubectl(['get', 'configmap', name, '-n', foreignNamespace, '-o', 'json'])).data).toEqual({
        k: 'v',
      });
    });

    it('refuses Services with externalIPs, also when a patch would add them', async () => {
      const name = uniqueName('svc');
      const service = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name },
        spec: { ports: [{ port: 80 }], selector: { app: name } },
      };
      const refused = { error: 'externalIPs not allowed', message: 'Services with spec.externalIPs are refused' };
      await call(operator, 'post', '/resources', {
        ...service,
        spec: { ...service.spec, externalIPs: ['203.0.113.7'] },
      }).expect(403, refused);
      expect(await exists('service', name, namespace)).toBe(false);

      await call(operator, 'post', '/resources', service).expect(201);
      await call(operator, 'patch', `/resources/services/${name}`, { spec: { externalIPs: ['203.0.113.7'] } }).expect(
        403,
        refused,
      );
      await call(operator, 'put', `/resources/services/${name}`, {
        ...service,
        spec: { ...service.spec, externalIPs: ['203.0.113.7'] },
      }).expect(403, refused);
      expect(
        JSON.parse(await kubectl(['get', 'service', name, '-n', namespace, '-o', 'json'])).spec.externalIPs,
      ).toBeUndefined();
      await call(operator, 'delete', `/resources/services/${name}`).expect(200);
    });

    it('refuses workloads that would run as another ServiceAccount, also when a patch would set one', async () => {
      const name = uniqueName('deploy');
      const deployment = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: name } },
          template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        },
      };
      const borrowing = {
        ...deployment,
        spec: {
          ...deployment.spec,
          template: {
            ...deployment.spec.template,
            spec: { ...deployment.spec.template.spec, serviceAccountName: 'streamspace-api' },
          },
        },
      };
      const refused = {
        error: 'ServiceAccount not allowed',
        message: "Workloads written through this API run as the namespace's default ServiceAccount",
      };
      await call(operator, 'post', '/resources', borrowing).expect(403, refused);
      expect(await exists('deployment', name, namespace)).toBe(false);
      await call(operator, 'post', '/resources', deployment).expect(201);
      await call(operator, 'patch', `/resources/deployments/${name}`, {
        spec: { template: { spec: { serviceAccountName: 'streamspace-api' } } },
      }).expect(403, refused);
      await call(operator, 'delete', `/resources/deployments/${name}`).expect(200);
    });

    it('refuses pod specs that reach secrets or the host in every workload kind, on create, replace and patch', async () => {
      const where: Record<string, string> = {
        Pod: 'spec',
        Deployment: 'spec.template.spec',
        StatefulSet: 'spec.template.spec',
        DaemonSet: 'spec.template.spec',
        ReplicaSet: 'spec.template.spec',
        Job: 'spec.template.spec',
        CronJob: 'spec.jobTemplate.spec.template.spec',
      };
      const apiVersions: Record<string, string> = { Pod: 'v1', Job: 'batch/v1', CronJob: 'batch/v1' };
      const container = { name: 'c', image: 'busybox' };
      const workload = (kind: string, name: string, podSpec: object): object => {
        const template = { metadata: { labels: { app: name } }, spec: podSpec };
        const spec =
          kind === 'Pod'
            ? podSpec
            : kind === 'CronJob'
              ? { schedule: '0 0 1 1 *', jobTemplate: { spec: { template } } }
              : kind === 'Job'
                ? { template: { ...template, spec: { restartPolicy: 'Never', ...podSpec } } }
                : {
                    replicas: 0,
                    selector: { matchLabels: { app: name } },
                    template,
                    ...(kind === 'StatefulSet' && { serviceName: name }),
                  };
        return { apiVersion: apiVersions[kind] ?? 'apps/v1', kind, metadata: { name }, spec };
      };
      const withContainer = (extra: object) => ({ containers: [{ ...container, ...extra }] });
      const refusals: [object, string][] = [
        [
          { containers: [container], volumes: [{ name: 'k', secret: { secretName: 'streamspace-api' } }] },
          'volumes[0].secret',
        ],
        [
          {
            containers: [container],
            volumes: [
              { name: 'p', projected: { sources: [{ configMap: { name: 'x' } }, { secret: { name: 'db' } }] } },
            ],
          },
          'volumes[0].projected.sources[1].secret',
        ],
        [{ containers: [container], volumes: [{ name: 'root', hostPath: { path: '/' } }] }, 'volumes[0].hostPath'],
        [
          withContainer({ envFrom: [{ secretRef: { name: 'streamspace-api' } }] }),
          'containers[0].envFrom[0].secretRef',
        ],
        [
          withContainer({ env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'streamspace-api', key: 'jwt' } } }] }),
          'containers[0].env[0].valueFrom.secretKeyRef',
        ],
        [{ containers: [container], hostNetwork: true }, 'hostNetwork'],
        [{ containers: [container], hostPID: true }, 'hostPID'],
        [{ containers: [container], hostIPC: true }, 'hostIPC'],
        [withContainer({ securityContext: { privileged: true } }), 'containers[0].securityContext.privileged'],
        [
          withContainer({ securityContext: { allowPrivilegeEscalation: true } }),
          'containers[0].securityContext.allowPrivilegeEscalation',
        ],
        [
          withContainer({ securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }),
          'containers[0].securityContext.capabilities.add',
        ],
        [withContainer({ securityContext: { procMount: 'Unmasked' } }), 'containers[0].securityContext.procMount'],
        [{ containers: [container], nodeName: 'some-node' }, 'nodeName'],
        [
          { containers: [container], initContainers: [{ ...container, securityContext: { privileged: true } }] },
          'initContainers[0].securityContext.privileged',
        ],
      ];
      for (const kind of Object.keys(where)) {
        for (const [podSpec, field] of refusals) {
          const name = uniqueName(kind.toLowerCase());
          await call(operator, 'post', '/resources', workload(kind, name, podSpec)).expect(403, {
            error: 'Pod spec not allowed',
            message: `${where[kind]}.${field} is not allowed`,
          });
        }
      }

      // Replace and the result of a patch are judged too; the stored object stays as it was.
      const name = uniqueName('deploy');
      const harmless = workload('Deployment', name, { containers: [container] });
      await call(operator, 'post', '/resources', harmless).expect(201);
      await call(
        operator,
        'put',
        `/resources/deployments/${name}`,
        workload('Deployment', name, { containers: [container], volumes: [{ name: 'root', hostPath: { path: '/' } }] }),
      ).expect(403, {
        error: 'Pod spec not allowed',
        message: 'spec.template.spec.volumes[0].hostPath is not allowed',
      });
      await call(operator, 'patch', `/resources/deployments/${name}`, {
        spec: { template: { spec: { hostPID: true } } },
      }).expect(403, { error: 'Pod spec not allowed', message: 'spec.template.spec.hostPID is not allowed' });
      const stored = JSON.parse(await kubectl(['get', 'deployment', name, '-n', namespace, '-o', 'json']));
      expect(stored.spec.template.spec.hostPID).toBeUndefined();
      expect(stored.spec.template.spec.volumes).toBeUndefined();
      // Harmless settings still pass.
      await call(operator, 'patch', `/resources/deployments/${name}`, {
        spec: {
          template: { spec: { containers: [{ ...container, securityContext: { allowPrivilegeEscalation: false } }] } },
        },
      }).expect(200);
      await call(operator, 'delete', `/resources/deployments/${name}`).expect(200);
    });

    it('refuses to change or delete objects the platform owns, and to create objects claiming to be one', async () => {
      const managed = (name: string) => ({
        error: 'Managed object',
        message: `ConfigMap '${name}' is managed by StreamSpace`,
      });
      const labelled: Record<string, string>[] = [
        { 'app.kubernetes.io/managed-by': 'streamspace-api' },
        { 'app.kubernetes.io/part-of': 'streamspace', 'app.kubernetes.io/managed-by': 'Helm' },
        { 'helm.sh/chart': 'streamspace-api-0.1.0' },
      ];
      for (const labels of labelled) {
        const name = uniqueName('owned');
        await call(operator, 'post', '/resources', { ...configMap(name), metadata: { name, labels } }).expect(
          403,
          managed(name),
        );
        expect(await exists('configmap', name, namespace)).toBe(false);
        await kubectl(
          ['create', '-f', '-'],
          JSON.stringify({ ...configMap(name), metadata: { name, namespace, labels } }),
        );
        await call(operator, 'get', `/resources/configmaps/${name}`).expect(200);
        await call(operator, 'put', `/resources/configmaps/${name}`, {
          ...configMap(name, { x: 'y' }),
          metadata: { name },
        }).expect(403, managed(name));
        // A patch that would drop the label is judged on the object as it is.
        await call(operator, 'patch', `/resources/configmaps/${name}`, { metadata: { labels: null } }).expect(
          403,
          managed(name),
        );
        await call(operator, 'delete', `/resources/configmaps/${name}`).expect(403, managed(name));
        expect(JSON.parse(await kubectl(['get', 'configmap', name, '-n', namespace, '-o', 'json'])).data).toEqual({
          greeting: 'hello',
        });
        await kubectl(['delete', 'configmap', name, '-n', namespace]);
      }

      // Nor may an ordinary object be relabelled or given a StreamSpace owner.
      const plain = uniqueName('plain');
      await call(operator, 'post', '/resources', configMap(plain)).expect(201);
      await call(operator, 'patch', `/resources/configmaps/${plain}`, {
        metadata: { labels: { 'app.kubernetes.io/managed-by': 'streamspace-api' } },
      }).expect(403, managed(plain));
      const owned = uniqueName('owned');
      const ownerReferences = [
        { apiVersion: 'stream.space/v1alpha1', kind: 'Session', name: 'someone', uid: crypto.randomUUID() },
      ];
      await call(operator, 'post', '/resources', {
        ...configMap(owned),
        metadata: { name: owned, ownerReferences },
      }).expect(403, managed(owned));
      await call(operator, 'delete', `/resources/configmaps/${plain}`).expect(200);

      // The live config and the home volumes, whether or not they exist yet.
      await call(operator, 'delete', '/resources/configmaps/streamspace-config').expect(
        403,
        managed('streamspace-config'),
      );
      await call(operator, 'post', '/resources', configMap('streamspace-config')).expect(
        403,
        managed('streamspace-config'),
      );
      const home = {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'home-someone-else' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      };
      const homeRefused = {
        error: 'Managed object',
        message: "PersistentVolumeClaim 'home-someone-else' is managed by StreamSpace",
      };
      await call(operator, 'post', '/resources', home).expect(403, homeRefused);
      await call(operator, 'delete', '/resources/persistentvolumeclaims/home-someone-else').expect(403, homeRefused);
      expect(await exists('pvc', 'home-someone-else', namespace)).toBe(false);
    });

    it('refuses every privileged kind, in every spelling, for every verb, and writes nothing', async () => {
      const secret = uniqueName('secret');
      await kubectl(['create', 'secret', 'generic', secret, '--from-literal=password=s3cret', '-n', namespace]);
      const refused: [string, string, string?][] = [
        // [spelling in the path or body, apiVersion, kubectl resource to check]
        ['Secret', 'v1', 'secrets'],
        ['secrets', 'v1', 'secrets'],
        ['SECRET', 'v1', 'secrets'],
        ['ServiceAccount', 'v1', 'serviceaccounts'],
        ['serviceaccounts', 'v1', 'serviceaccounts'],
        ['Role', 'rbac.authorization.k8s.io/v1', 'roles'],
        ['RoleBinding', 'rbac.authorization.k8s.io/v1', 'rolebindings'],
        ['ClusterRole', 'rbac.authorization.k8s.io/v1'],
        ['clusterrolebindings', 'rbac.authorization.k8s.io/v1'],
        ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1'],
        ['ValidatingWebhookConfigurations', 'admissionregistration.k8s.io/v1'],
        ['APIService', 'apiregistration.k8s.io/v1'],
        ['CustomResourceDefinition', 'apiextensions.k8s.io/v1'],
        ['Endpoints', 'v1', 'endpoints'],
        ['EndpointSlice', 'discovery.k8s.io/v1', 'endpointslices'],
        ['Node', 'v1'],
        ['Namespace', 'v1'],
        ['Session', 'stream.space/v1alpha1', 'sessions.stream.space'],
        ['templates', 'stream.space/v1alpha1', 'templates.stream.space'],
        ['ApplicationInstall', 'stream.space/v1alpha1', 'applicationinstalls.stream.space'],
      ];
      for (const [spelling, apiVersion, resource] of refused) {
        const name = spelling.toLowerCase().startsWith('secret') ? secret : uniqueName('refused');
        const forbidden = {
          error: 'Kind not allowed',
          message: `Kind '${spelling}' cannot be managed through this API`,
        };
        const body = {
          apiVersion,
          kind: spelling,
          metadata: { name },
          data: { password: 'aGFja2Vk' },
          rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
        };
        await call(operator, 'post', '/resources', { ...body, metadata: { name: uniqueName('new') } }).expect(
          403,
          forbidden,
        );
        await call(admin, 'get', `/resources/${spelling}/${name}`).expect(403, forbidden);
        await call(operator, 'put', `/resources/${spelling}/${name}`, body).expect(403, forbidden);
        await call(operator, 'patch', `/resources/${spelling}/${name}`, { data: { password: 'aGFja2Vk' } }).expect(
          403,
          forbidden,
        );
        await call(operator, 'delete', `/resources/${spelling}/${name}`).expect(403, forbidden);
        if (resource && !spelling.toLowerCase().startsWith('secret'))
          expect(await exists(resource, name, namespace)).toBe(false);
      }
      // The existing Secret is untouched and still there.
      const stored = JSON.parse(await kubectl(['get', 'secret', secret, '-n', namespace, '-o', 'json']));
      expect(Buffer.from(stored.data.password, 'base64').toString()).toBe('s3cret');

      // An allowed Kind name under another group, or a refused object disguised by a patch, is refused too.
      const name = uniqueName('disguised');
      await call(operator, 'post', '/resources', { ...configMap(name), apiVersion: 'stream.space/v1alpha1' }).expect(
        400,
        {
          error: 'Unsupported apiVersion',
          message: 'ConfigMap must use apiVersion v1',
        },
      );
      await call(operator, 'post', '/resources', {
        ...configMap(name),
        apiVersion: 'extensions/v1beta1',
        kind: 'Deployment',
      }).expect(400);
      expect(await exists('configmap', name, namespace)).toBe(false);
      await call(operator, 'post', '/resources', configMap(name)).expect(201);
      await call(operator, 'patch', `/resources/configmaps/${name}`, { kind: 'Secret' }).expect(403);
      await call(operator, 'patch', `/resources/configmaps/${name}`, {
        apiVersion: 'rbac.authorization.k8s.io/v1',
      }).expect(400);
      expect(await exists('secret', name, namespace)).toBe(false);
    });
  });

  it('lets operators and admins in: anonymous 401, user 403', async () => {
    const name = uniqueName('auth');
    const routes: ['get' | 'post' | 'put' | 'patch' | 'delete', string, object?][] = [
      ['get', '/nodes'],
      ['get', '/pods'],
      ['get', '/deployments'],
      ['get', '/services'],
      ['get', '/namespaces'],
      ['get', `/pods/${namespace}/${name}/logs`],
      ['post', '/resources', configMap(name)],
      ['get', `/resources/configmaps/${name}`],
      ['put', `/resources/configmaps/${name}`, configMap(name)],
      ['patch', `/resources/configmaps/${name}`, { data: {} }],
      ['delete', `/resources/configmaps/${name}`],
    ];
    const forbidden = { error: 'Insufficient permissions', message: 'This action requires the operator or admin role' };
    for (const [method, path, body] of routes) {
      await call(undefined, method, path, body).expect(401);
      await call(user, method, path, body).expect(403, forbidden);
    }
    expect(await exists('configmap', name, namespace)).toBe(false);
    for (const account of [operator, admin]) {
      for (const path of ['/nodes', '/pods', '/deployments', '/services', '/namespaces'])
        await call(account, 'get', path).expect(200);
    }
  });
});
