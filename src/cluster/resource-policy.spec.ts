import { describe, expect, it } from '@jest/globals';
import {
  applyMergePatch,
  assertApiVersion,
  assertDefaultServiceAccount,
  assertNoExternalIps,
  assertWritableNamespace,
  isPlatformObject,
  podSpecViolation,
  resolveKind,
} from './resource-policy.js';

describe('generic resource policy (§3.9)', () => {
  it('resolves allowed kinds by Kind or plural in any case', () => {
    for (const spelling of ['ConfigMap', 'configmap', 'CONFIGMAPS', 'configMaps'])
      expect(resolveKind(spelling).kind).toBe('ConfigMap');
    expect(resolveKind('HorizontalPodAutoscalers')).toMatchObject({ group: 'autoscaling', version: 'v2' });
    expect(resolveKind('pods')).toMatchObject({ kind: 'Pod', group: '', version: 'v1', apiVersion: 'v1' });
  });

  it('refuses every privileged kind in every spelling', () => {
    const refused = [
      'Secret',
      'secrets',
      'SECRET',
      'ServiceAccount',
      'serviceaccounts',
      'Role',
      'ClusterRole',
      'clusterrolebindings',
      'RoleBinding',
      'MutatingWebhookConfiguration',
      'validatingwebhookconfigurations',
      'APIService',
      'CustomResourceDefinition',
      'Endpoints',
      'EndpointSlice',
      'Node',
      'nodes',
      'Namespace',
      'Session',
      'templates',
      'ApplicationInstall',
      'sessions.stream.space',
      '',
      'pods/exec',
    ];
    for (const spelling of refused) {
      expect(() => resolveKind(spelling)).toThrow(
        expect.objectContaining({
          status: 403,
          error: 'Kind not allowed',
          message: `Kind '${spelling}' cannot be managed through this API`,
        }),
      );
    }
    expect(() => resolveKind(undefined)).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => resolveKind({ kind: 'Secret' })).toThrow(
      expect.objectContaining({ message: `Kind '{"kind":"Secret"}' cannot be managed through this API` }),
    );
  });

  it('pins each kind to its apiVersion', () => {
    expect(() => assertApiVersion(resolveKind('Deployment'), 'apps/v1')).not.toThrow();
    expect(() => assertApiVersion(resolveKind('Deployment'), 'v1')).toThrow(
      expect.objectContaining({
        status: 400,
        error: 'Unsupported apiVersion',
        message: 'Deployment must use apiVersion apps/v1',
      }),
    );
    expect(() => assertApiVersion(resolveKind('ConfigMap'), 'stream.space/v1alpha1')).toThrow(
      expect.objectContaining({ status: 400 }),
    );
  });

  it('allows writes in the write namespaces only and refuses Services with externalIPs', () => {
    expect(() => assertWritableNamespace('streamspace', new Set(['streamspace']))).not.toThrow();
    expect(() => assertWritableNamespace('kube-system', new Set(['streamspace']))).toThrow(
      expect.objectContaining({
        status: 403,
        error: 'Namespace not allowed',
        message: "Writes are not allowed in namespace 'kube-system'",
      }),
    );
    expect(() => assertNoExternalIps(resolveKind('Service'), { spec: { externalIPs: ['1.2.3.4'] } })).toThrow(
      expect.objectContaining({ status: 403, error: 'externalIPs not allowed' }),
    );
    expect(() => assertNoExternalIps(resolveKind('Service'), { spec: { externalIPs: [] } })).not.toThrow();
  });

  it('applies RFC 7386 merge patches without touching the original', () => {
    const original = { metadata: { name: 'x', labels: { a: '1', b: '2' } }, data: { k: 'v' }, list: [1, 2] };
    const patched = applyMergePatch(original, { metadata: { labels: { a: null, c: '3' } }, data: null, list: [3] });
    expect(patched).toEqual({ metadata: { name: 'x', labels: { b: '2', c: '3' } }, list: [3] });
    expect(original.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('lets workloads run only as the default ServiceAccount, wherever their pod spec sits', () => {
    const refused = expect.objectContaining({ status: 403, error: 'ServiceAccount not allowed' });
    expect(() =>
      assertDefaultServiceAccount(resolveKind('Pod'), { spec: { serviceAccountName: 'streamspace-api' } }),
    ).toThrow(refused);
    expect(() =>
      assertDefaultServiceAccount(resolveKind('Deployment'), {
        spec: { template: { spec: { serviceAccount: 'admin' } } },
      }),
    ).toThrow(refused);
    expect(() =>
      assertDefaultServiceAccount(resolveKind('CronJob'), {
        spec: { jobTemplate: { spec: { template: { spec: { serviceAccountName: 'x' } } } } },
      }),
    ).toThrow(refused);
    expect(() =>
      assertDefaultServiceAccount(resolveKind('Pod'), { spec: { serviceAccountName: 'default' } }),
    ).not.toThrow();
    expect(() =>
      assertDefaultServiceAccount(resolveKind('Deployment'), { spec: { template: { spec: {} } } }),
    ).not.toThrow();
    expect(() =>
      assertDefaultServiceAccount(resolveKind('ConfigMap'), { data: { serviceAccountName: 'x' } }),
    ).not.toThrow();
  });

  it('names the first pod spec field that reaches a secret or the host, and passes ordinary specs', () => {
    const container = { name: 'c', image: 'busybox' };
    expect(
      podSpecViolation({ containers: [container], volumes: [{ name: 'v', emptyDir: {} }] }, 'spec'),
    ).toBeUndefined();
    expect(
      podSpecViolation(
        { containers: [{ ...container, securityContext: { allowPrivilegeEscalation: false, procMount: 'Default' } }] },
        'spec',
      ),
    ).toBeUndefined();
    expect(
      podSpecViolation({ ephemeralContainers: [{ ...container, envFrom: [{ secretRef: { name: 's' } }] }] }, 'x'),
    ).toBe('x.ephemeralContainers[0].envFrom[0].secretRef');
    expect(podSpecViolation({ hostNetwork: false, nodeName: '', containers: 'not a list' }, 'spec')).toBeUndefined();
  });

  it('knows the platform’s objects by label, owner, and the names of the config and home volumes', () => {
    const configMap = resolveKind('ConfigMap');
    const pvc = resolveKind('PersistentVolumeClaim');
    const named = (name: string, extra: object = {}) => ({ metadata: { name, ...extra } });
    expect(isPlatformObject(configMap, named('streamspace-config'), 'streamspace', 'streamspace')).toBe(true);
    expect(isPlatformObject(configMap, named('streamspace-config'), 'elsewhere', 'streamspace')).toBe(false);
    expect(isPlatformObject(pvc, named('home-alice'), 'streamspace', 'streamspace')).toBe(true);
    expect(isPlatformObject(configMap, named('home-alice'), 'streamspace', 'streamspace')).toBe(false);
    expect(
      isPlatformObject(configMap, named('x', { labels: { 'app.kubernetes.io/managed-by': 'Helm' } }), 'a', 'b'),
    ).toBe(false);
    expect(
      isPlatformObject(
        configMap,
        named('x', { ownerReferences: [{ apiVersion: 'stream.space/v1alpha1', kind: 'Session' }] }),
        'a',
        'b',
      ),
    ).toBe(true);
  });
});
