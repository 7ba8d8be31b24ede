// The chart rendered offline (`helm lint`, `helm template`) and checked object by object:
// hardened pods, probes, least-privilege RBAC (api-contract §5.9) and every variable of §6.9.
import { describe, expect, it } from '@jest/globals';
import { CHART_DIR, helm, type Manifest, renderChart, valuesFile } from './helm.js';

/** api-contract §6.9 (KUBECONFIG aside: in a cluster the server uses its service account) plus LOG_LEVEL and login throttling. */
const ENVIRONMENT_VARIABLES = [
  'API_PORT',
  'NAMESPACE',
  'DATABASE_URL',
  'DB_HOST',
  'DB_PORT',
  'DB_USER',
  'DB_PASSWORD',
  'DB_NAME',
  'DB_SSL_MODE',
  'JWT_SECRET',
  'NODE_ENV',
  'ADMIN_PASSWORD',
  'ADMIN_PASSWORD_RESET',
  'CORS_ALLOWED_ORIGINS',
  'TRUST_PROXY',
  'IDLE_CHECK_INTERVAL',
  'RECONCILER_ENABLED',
  'CLUSTER_WRITE_NAMESPACES',
  'INGRESS_DOMAIN',
  'INGRESS_CLASS',
  'CATALOG_FILE',
  'METRICS_TOKEN',
  'GIT_COMMIT',
  'LOG_LEVEL',
  'LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS',
  'LOGIN_FAILURES_PER_ADDRESS',
  'LOGIN_FAILURES_PER_USERNAME',
];

/** Every optional switch on, with an external database URL. */
const ALL_ON = {
  replicaCount: 2,
  postgresql: { enabled: false },
  database: { url: 'postgres://streamspace:secret@db.example.com:5432/streamspace', sslMode: 'require' },
  ingress: {
    enabled: true,
    className: 'nginx',
    host: 'api.example.com',
    tls: { enabled: true, secretName: 'api-tls' },
  },
  networkPolicy: {
    enabled: true,
    ingressFrom: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }],
  },
  admin: { password: 'correct-horse-battery-staple', passwordReset: 'another-long-passw0rd!' },
  metrics: { token: '0123456789abcdef0123' },
  config: {
    clusterWriteNamespaces: ['team-a', 'team-b'],
    corsAllowedOrigins: 'https://ui.example.com,https://admin.example.com',
    catalogFile: '/catalog/catalog.yaml',
    gitCommit: 'abc1234',
  },
};

/** Every optional switch off, with an external database by host. */
const ALL_OFF = {
  postgresql: { enabled: false },
  database: { host: 'db.example.com', password: 'db-password' },
  rbac: { nodeAdmin: false, clusterRead: false, resourceWrite: false },
  podDisruptionBudget: { enabled: false },
};

interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface Container {
  name: string;
  image: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  securityContext?: Record<string, unknown> & { capabilities?: { drop?: string[] }; seccompProfile?: { type: string } };
  livenessProbe?: { httpGet?: { path: string } };
  readinessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: object; limits?: object };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  securityContext?: Record<string, unknown>;
  terminationGracePeriodSeconds?: number;
  volumes?: { name: string; emptyDir?: object }[];
  serviceAccountName?: string;
}

const ofKind = (manifests: Manifest[], kind: string) => manifests.filter((manifest) => manifest.kind === kind);
const podSpec = (workload: Manifest) => (workload.spec as { template: { spec: PodSpec } }).template.spec;
const apiDeployment = (manifests: Manifest[]) => {
  const [deployment] = ofKind(manifests, 'Deployment');
  expect(deployment).toBeDefined();
  return deployment;
};
const apiContainer = (manifests: Manifest[]) => podSpec(apiDeployment(manifests)).containers[0];
const rulesOf = (manifests: Manifest[], kind: 'Role' | 'ClusterRole') =>
  ofKind(manifests, kind).flatMap((role) => (role as unknown as { rules: PolicyRule[] }).rules);
const grants = (rules: PolicyRule[], resource: string, verb: string) =>
  rules.some((rule) => rule.resources.includes(resource) && rule.verbs.includes(verb));

const renders: [string, object][] = [
  ['defaults', {}],
  ['every optional switch on', ALL_ON],
  ['every optional switch off', ALL_OFF],
];

describe('helm chart (offline)', () => {
  it('passes helm lint --strict with defaults and with every switch on and off', async () => {
    for (const values of [{}, ALL_ON, ALL_OFF]) {
      const out = await helm(['lint', '--strict', CHART_DIR, '--values', valuesFile(values)]);
      expect(out).toContain('0 chart(s) failed');
    }
  });

  describe.each(renders)('rendered with %s', (_label, values) => {
    it('runs every container non-root, read-only, without privilege escalation or capabilities', async () => {
      const manifests = await renderChart(values);
      const workloads = [...ofKind(manifests, 'Deployment'), ...ofKind(manifests, 'StatefulSet')];
      expect(workloads.length).toBeGreaterThan(0);
      for (const workload of workloads) {
        const spec = podSpec(workload);
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        expect(spec.securityContext?.runAsUser).toBeGreaterThan(0);
        for (const container of spec.containers) {
          expect(container.securityContext).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            runAsNonRoot: true,
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(container.securityContext?.capabilities?.drop).toEqual(['ALL']);
          expect(container.securityContext?.privileged).not.toBe(true);
          expect(container.image).toMatch(/:[\w.-]+$/);
          expect(container.image).not.toMatch(/:latest$/);
          expect(container.resources?.requests).toBeDefined();
          expect(container.resources?.limits).toBeDefined();
        }
      }
    });

    it('probes /health/live for liveness and /health for readiness, with a writable /tmp and a graceful stop', async () => {
      const manifests = await renderChart(values);
      const spec = podSpec(apiDeployment(manifests));
      const container = spec.containers[0];
      expect(container.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(container.readinessProbe?.httpGet?.path).toBe('/health');
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
      expect(spec.volumes?.find((volume) => volume.name === 'tmp')?.emptyDir).toBeDefined();
      expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    });

    it('sets every environment variable of the contract exactly once, secrets only by reference', async () => {
      const manifests = await renderChart(values);
      const env = apiContainer(manifests).env ?? [];
      const names = env.map((entry) => entry.name);
      expect([...names].sort()).toEqual([...ENVIRONMENT_VARIABLES].sort());
      expect(env.find((entry) => entry.name === 'NODE_ENV')?.value).toBe('production');
      expect(env.find((entry) => entry.name === 'NAMESPACE')?.value).toBe('streamspace');
      expect(env.find((entry) => entry.name === 'JWT_SECRET')?.valueFrom?.secretKeyRef).toBeDefined();
      for (const secret of [
        'JWT_SECRET',
        'DATABASE_URL',
        'DB_PASSWORD',
        'ADMIN_PASSWORD',
        'ADMIN_PASSWORD_RESET',
        'METRICS_TOKEN',
      ]) {
        expect(env.find((entry) => entry.name === secret)?.value ?? '').toBe('');
      }
    });

    it('grants no wildcards, never escalate/bind/impersonate, and nothing on Secrets or RBAC objects', async () => {
      const manifests = await renderChart(values);
      const rules = [...rulesOf(manifests, 'Role'), ...rulesOf(manifests, 'ClusterRole')];
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        for (const field of [rule.apiGroups, rule.resources, rule.verbs]) expect(field).not.toContain('*');
        for (const verb of ['escalate', 'bind', 'impersonate']) expect(rule.verbs).not.toContain(verb);
        expect(rule.resources).not.toContain('secrets');
        expect(rule.resources).not.toContain('serviceaccounts/token');
        expect(rule.apiGroups).not.toContain('rbac.authorization.k8s.io');
        expect(rule.apiGroups).not.toContain('apiextensions.k8s.io');
      }
      for (const binding of ofKind(manifests, 'RoleBinding').concat(ofKind(manifests, 'ClusterRoleBinding'))) {
        const { subjects, roleRef } = binding as unknown as {
          subjects: { kind: string; name: string }[];
          roleRef: { name: string };
        };
        expect(subjects).toEqual([expect.objectContaining({ kind: 'ServiceAccount', name: 'rel-streamspace-api' })]);
        // Bindings only point at the chart's own roles, never at built-in ones like cluster-admin.
        expect(roleRef.name.startsWith('rel-streamspace-api')).toBe(true);
      }
    });
  });

  it('grants in the release namespace exactly the verbs and resources of api-contract §5.9', async () => {
    const manifests = await renderChart(ALL_OFF, 'tenant-x');
    const [role] = ofKind(manifests, 'Role');
    expect(role?.metadata.namespace).toBe('tenant-x');
    const rules = (role as unknown as { rules: PolicyRule[] }).rules;
    const crud = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
    const workloadVerbs = ['get', 'list', 'watch', 'create', 'delete'];
    expect(rules).toEqual([
      { apiGroups: ['stream.space'], resources: ['sessions', 'templates', 'applicationinstalls'], verbs: crud },
      {
        apiGroups: ['stream.space'],
        resources: ['sessions/status', 'templates/status', 'applicationinstalls/status'],
        verbs: ['get', 'patch'],
      },
      {
        apiGroups: ['stream.space'],
        resources: ['sessions/finalizers', 'applicationinstalls/finalizers'],
        verbs: ['update'],
      },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: workloadVerbs },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['get', 'patch'] },
      { apiGroups: [''], resources: ['services', 'persistentvolumeclaims'], verbs: workloadVerbs },
      { apiGroups: ['networking.k8s.io'], resources: ['ingresses'], verbs: workloadVerbs },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'] },
    ]);
    // With the optional features off, cluster-wide access is read-only nodes and pods (the watch caches).
    expect(rulesOf(manifests, 'ClusterRole')).toEqual([
      { apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['get', 'list', 'watch'] },
    ]);
  });

  it('adds node administration, cluster reads and resource writes only behind their switches', async () => {
    const on = await renderChart(ALL_ON);
    const cluster = rulesOf(on, 'ClusterRole');
    expect(grants(cluster, 'nodes', 'patch')).toBe(true);
    expect(grants(cluster, 'pods/eviction', 'create')).toBe(true);
    expect(grants(cluster, 'namespaces', 'list')).toBe(true);
    expect(grants(cluster, 'pods/log', 'get')).toBe(true);
    expect(grants(cluster, 'configmaps', 'get')).toBe(true);
    // Cluster-wide access never writes anything but node patches and evictions.
    for (const rule of cluster) {
      const writes = rule.verbs.filter((verb) => !['get', 'list', 'watch'].includes(verb));
      if (writes.length > 0)
        expect(rule.resources).toEqual(expect.arrayContaining([expect.stringMatching(/^(nodes|pods\/eviction)$/)]));
    }
    const writeRoles = ofKind(on, 'Role').filter((role) => role.metadata.name.endsWith('-resource-write'));
    expect(writeRoles.map((role) => role.metadata.namespace).sort()).toEqual(['streamspace', 'team-a', 'team-b']);

    const off = await renderChart(ALL_OFF);
    const offRules = [...rulesOf(off, 'ClusterRole'), ...rulesOf(off, 'Role')];
    expect(grants(offRules, 'nodes', 'patch')).toBe(false);
    expect(grants(offRules, 'pods/eviction', 'create')).toBe(false);
    expect(grants(offRules, 'namespaces', 'list')).toBe(false);
    expect(grants(offRules, 'pods/log', 'get')).toBe(false);
    expect(ofKind(off, 'Role')).toHaveLength(1);
  });

  it('renders the optional Ingress, NetworkPolicies and PodDisruptionBudget when switched on', async () => {
    const on = await renderChart(ALL_ON);
    const [ingress] = ofKind(on, 'Ingress');
    expect(ingress?.spec).toMatchObject({
      ingressClassName: 'nginx',
      tls: [{ hosts: ['api.example.com'], secretName: 'api-tls' }],
      rules: [{ host: 'api.example.com' }],
    });
    expect(ofKind(on, 'NetworkPolicy')).toHaveLength(1);
    expect(ofKind(on, 'PodDisruptionBudget')).toHaveLength(1);
    expect(ofKind(on, 'StatefulSet')).toHaveLength(0);
    expect(apiDeployment(on).spec).toMatchObject({ replicas: 2 });

    const defaults = await renderChart({ networkPolicy: { enabled: true } });
    // With the bundled database, a second policy admits only the API pods to PostgreSQL.
    expect(
      ofKind(defaults, 'NetworkPolicy')
        .map((policy) => policy.metadata.name)
        .sort(),
    ).toEqual(['rel-streamspace-api', 'rel-streamspace-api-postgresql']);
    expect(ofKind(await renderChart(ALL_OFF), 'PodDisruptionBudget')).toHaveLength(0);
    expect(ofKind(await renderChart({}), 'Ingress')).toHaveLength(0);
  });

  it('passes values to the server as environment variables and credentials through the Secret', async () => {
    const on = await renderChart(ALL_ON);
    const env = new Map(apiContainer(on).env!.map((entry) => [entry.name, entry]));
    expect(env.get('CLUSTER_WRITE_NAMESPACES')?.value).toBe('team-a,team-b');
    expect(env.get('CORS_ALLOWED_ORIGINS')?.value).toBe('https://ui.example.com,https://admin.example.com');
    expect(env.get('DB_SSL_MODE')?.value).toBe('require');
    expect(env.get('DB_HOST')?.value).toBe('');
    expect(env.get('DATABASE_URL')?.valueFrom?.secretKeyRef).toEqual({
      name: 'rel-streamspace-api',
      key: 'database-url',
    });
    const [secret] = ofKind(on, 'Secret');
    const data = secret.data as Record<string, string>;
    const decoded = (key: string) => Buffer.from(data[key], 'base64').toString();
    expect(decoded('database-url')).toBe(ALL_ON.database.url);
    expect(decoded('admin-password')).toBe(ALL_ON.admin.password);
    expect(decoded('metrics-token')).toBe(ALL_ON.metrics.token);
    expect(decoded('jwt-secret')).toHaveLength(48);

    const bundled = await renderChart({});
    const bundledEnv = new Map(apiContainer(bundled).env!.map((entry) => [entry.name, entry]));
    expect(bundledEnv.get('DB_HOST')?.value).toBe('rel-streamspace-api-postgresql');
    expect(bundledEnv.get('DB_PASSWORD')?.valueFrom?.secretKeyRef).toEqual({
      name: 'rel-streamspace-api',
      key: 'postgresql-password',
    });
    const [postgres] = ofKind(bundled, 'StatefulSet');
    expect(podSpec(postgres).containers[0].env).toContainEqual({
      name: 'POSTGRES_PASSWORD',
      valueFrom: { secretKeyRef: { name: 'rel-streamspace-api', key: 'postgresql-password' } },
    });
  });

  it.each([
    ['no database at all', { postgresql: { enabled: false } }, /enable the bundled postgresql/],
    ['both bundled and external databases', { database: { url: 'postgres://x@db/y' } }, /not both/],
    ['an image tagged latest', { image: { tag: 'latest' } }, /image\/tag/],
    ['an unknown value', { replicas: 2 }, /additional properties 'replicas'/],
    ['a short admin password', { admin: { password: 'short' } }, /admin\/password/],
    ['a grace period under 30 s', { terminationGracePeriodSeconds: 10 }, /terminationGracePeriodSeconds/],
    ['a root pod', { podSecurityContext: { runAsNonRoot: false } }, /podSecurityContext/],
    ['a bad DB_SSL_MODE', { postgresql: { enabled: false }, database: { host: 'db', sslMode: 'prefer' } }, /sslMode/],
    ['a bad write namespace', { config: { clusterWriteNamespaces: ['Team_A'] } }, /clusterWriteNamespaces/],
  ])('refuses to render with %s', async (_label, values, message) => {
    await expect(renderChart(values)).rejects.toThrow(message);
  });
});
