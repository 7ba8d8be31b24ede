import { describe, expect, it } from '@jest/globals';
import type { SessionResource, TemplateSpec } from '../kubernetes/resources.js';
import type { PlatformSettings } from '../platform-config/platform-config.service.js';
import { SessionWorkloadBuilder, deploymentPort, sessionPort, sessionUrl } from './session-workload.builder.js';

/** The contract defaults of §6.8, changed as a test needs. */
function settings(change: (s: PlatformSettings) => void = () => undefined): PlatformSettings {
  const defaults: PlatformSettings = {
    session: {
      defaultIdleTimeout: '30m',
      defaultMaxSessionDuration: '8h',
      enableAutoHibernation: true,
      autoHibernateDelay: '30m',
      urlTemplate: '',
    },
    resources: { defaultMemory: '2Gi', defaultCpu: '1000m' },
    quota: {
      maxSessions: 5,
      maxCpuMillicores: 4000,
      maxMemoryMib: 8192,
      maxCpuPerSessionMillicores: 2000,
      maxMemoryPerSessionMib: 4096,
      maxStorageMib: 102_400,
    },
    limits: { maxTotalSessions: 20, connectionsPerSession: 50, websocketsPerUser: 20, favoritesPerUser: 500 },
    storage: { homeSize: '50Gi', homeSizeMib: 51_200, className: '', accessMode: 'ReadWriteMany' },
    ingress: { enabled: true, domain: 'streamspace.local', className: '', scheme: 'https', tlsSecretName: '' },
  };
  change(defaults);
  return defaults;
}

function session(spec: Partial<SessionResource['spec']> = {}): SessionResource {
  return {
    apiVersion: 'stream.space/v1alpha1',
    kind: 'Session',
    metadata: { name: 'alice-firefox-1a2b3c4d', uid: 'uid-1', generation: 1 },
    spec: {
      user: 'Alice',
      template: 'firefox',
      state: 'running',
      persistentHome: true,
      resources: { requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } },
      ...spec,
    },
  };
}

const firefox: TemplateSpec = {
  displayName: 'Firefox',
  baseImage: 'lscr.io/linuxserver/firefox:latest',
  env: [{ name: 'TZ', value: 'UTC' }],
  vnc: { enabled: true, port: 3000 },
};

describe('sessionPort', () => {
  it('uses the VNC port when VNC is enabled', () => {
    expect(sessionPort({ vnc: { enabled: true, port: 5901 }, ports: [{ containerPort: 8080 }] })).toBe(5901);
  });

  it('falls back to the first declared port when VNC is off', () => {
    expect(
      sessionPort({ vnc: { enabled: false, port: 5901 }, ports: [{ containerPort: 8080 }, { containerPort: 9090 }] }),
    ).toBe(8080);
  });

  it('defaults to 3000 when nothing is declared', () => {
    expect(sessionPort({ vnc: { enabled: false } })).toBe(3000);
    expect(sessionPort({})).toBe(3000);
  });
});

describe('sessionUrl', () => {
  it('derives the URL from the ingress scheme and domain by default', () => {
    expect(sessionUrl(session(), 'streamspace', 3000, settings())).toBe(
      'https://alice-firefox-1a2b3c4d.streamspace.local/',
    );
  });

  it('expands every placeholder of the platform URL template', () => {
    const custom = settings((s) => {
      s.session.urlTemplate =
        'http://gw.example/{namespace}/{name}?u={user}&t={template}&p={port}&d={domain}&again={name}';
      s.ingress.domain = 'apps.example';
    });
    expect(sessionUrl(session(), 'ns1', 5901, custom)).toBe(
      'http://gw.example/ns1/alice-firefox-1a2b3c4d?u=Alice&t=firefox&p=5901&d=apps.example&again=alice-firefox-1a2b3c4d',
    );
  });
});

describe('SessionWorkloadBuilder', () => {
  const commonLabels = {
    'app.kubernetes.io/name': 'streamspace-session',
    'app.kubernetes.io/instance': 'alice-firefox-1a2b3c4d',
    'app.kubernetes.io/managed-by': 'streamspace-api',
    'streamspace.io/session': 'alice-firefox-1a2b3c4d',
    'streamspace.io/user': 'Alice',
    'streamspace.io/template': 'firefox',
  };
  const owner = {
    apiVersion: 'stream.space/v1alpha1',
    kind: 'Session',
    name: 'alice-firefox-1a2b3c4d',
    uid: 'uid-1',
    controller: true,
    blockOwnerDeletion: true,
  };

  it('builds the Deployment of §5.6: selector on the session only, Recreate, hardened pod with home and shm volumes', () => {
    const deployment = new SessionWorkloadBuilder(session(), 'streamspace', settings()).deployment(firefox, 1);
    expect(deployment.metadata).toEqual({
      name: 'ss-alice-firefox-1a2b3c4d',
      namespace: 'streamspace',
      labels: commonLabels,
      ownerReferences: [owner],
    });
    expect(deployment.spec?.replicas).toBe(1);
    expect(deployment.spec?.selector).toEqual({ matchLabels: { 'streamspace.io/session': 'alice-firefox-1a2b3c4d' } });
    expect(deployment.spec?.strategy).toEqual({ type: 'Recreate' });
    const pod = deployment.spec!.template;
    expect(pod.metadata?.labels).toEqual(commonLabels);
    expect(pod.spec).toMatchObject({ automountServiceAccountToken: false, enableServiceLinks: false });
    expect(pod.spec?.containers).toEqual([
      {
        name: 'session',
        image: 'lscr.io/linuxserver/firefox:latest',
        imagePullPolicy: 'IfNotPresent',
        env: [{ name: 'TZ', value: 'UTC' }],
        resources: { requests: { cpu: '1000m', memory: '2Gi' }, limits: { cpu: '1000m', memory: '2Gi' } },
        ports: [{ name: 'http', containerPort: 3000, protocol: 'TCP' }],
        readinessProbe: { tcpSocket: { port: 3000 }, initialDelaySeconds: 2, periodSeconds: 5 },
        volumeMounts: [
          { name: 'home', mountPath: '/config' },
          { name: 'dshm', mountPath: '/dev/shm' },
        ],
      },
    ]);
    expect(pod.spec?.volumes).toEqual([
      { name: 'home', persistentVolumeClaim: { claimName: 'home-alice' } },
      { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } },
    ]);
    expect(deploymentPort(deployment)).toBe(3000);
  });

  it('leaves out the home volume when the session has no persistent home, and starts hibernated sessions at 0', () => {
    const deployment = new SessionWorkloadBuilder(
      session({ persistentHome: false }),
      'streamspace',
      settings(),
    ).deployment(firefox, 0);
    expect(deployment.spec?.replicas).toBe(0);
    const pod = deployment.spec!.template.spec!;
    expect(pod.volumes).toEqual([{ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'dshm', mountPath: '/dev/shm' }]);
  });

  it('writes integer quantities as strings', () => {
    const spec = session({ resources: { requests: { cpu: 2 as unknown as string } } });
    const container = new SessionWorkloadBuilder(spec, 'streamspace', settings()).deployment(firefox, 1).spec!.template
      .spec!.containers[0];
    expect(container.resources).toEqual({ requests: { cpu: '2' } });
  });

  it('builds a ClusterIP Service on the session port, selecting the session pods', () => {
    const service = new SessionWorkloadBuilder(session(), 'streamspace', settings()).service(5901);
    expect(service.metadata).toEqual({
      name: 'ss-alice-firefox-1a2b3c4d',
      namespace: 'streamspace',
      labels: commonLabels,
      ownerReferences: [owner],
    });
    expect(service.spec).toEqual({
      type: 'ClusterIP',
      selector: { 'streamspace.io/session': 'alice-firefox-1a2b3c4d' },
      ports: [{ name: 'http', port: 5901, targetPort: 5901, protocol: 'TCP' }],
    });
  });

  it('builds an Ingress for <name>.<domain> without class or TLS by default', () => {
    const ingress = new SessionWorkloadBuilder(session(), 'streamspace', settings()).ingress();
    expect(ingress.metadata?.ownerReferences).toEqual([owner]);
    expect(ingress.metadata?.labels).toEqual(commonLabels);
    expect(ingress.spec).toEqual({
      rules: [
        {
          host: 'alice-firefox-1a2b3c4d.streamspace.local',
          http: {
            paths: [
              {
                path: '/',
                pathType: 'Prefix',
                backend: { service: { name: 'ss-alice-firefox-1a2b3c4d', port: { name: 'http' } } },
              },
            ],
          },
        },
      ],
    });
  });

  it('adds the ingress class and a TLS block when the platform sets them', () => {
    const tls = settings((s) => {
      s.ingress.className = 'nginx';
      s.ingress.tlsSecretName = 'wildcard-tls';
    });
    const ingress = new SessionWorkloadBuilder(session(), 'streamspace', tls).ingress();
    expect(ingress.spec?.ingressClassName).toBe('nginx');
    expect(ingress.spec?.tls).toEqual([
      { hosts: ['alice-firefox-1a2b3c4d.streamspace.local'], secretName: 'wildcard-tls' },
    ]);
  });

  it('builds the shared home claim from the storage settings, without an owner', () => {
    const withClass = settings((s) => {
      s.storage.className = 'fast';
      s.storage.accessMode = 'ReadWriteOnce';
      s.storage.homeSize = '10Gi';
    });
    const claim = new SessionWorkloadBuilder(session(), 'streamspace', withClass).homeVolumeClaim();
    expect(claim.metadata).toEqual({
      name: 'home-alice',
      namespace: 'streamspace',
      labels: {
        'app.kubernetes.io/name': 'streamspace-home',
        'app.kubernetes.io/managed-by': 'streamspace-api',
        'streamspace.io/user': 'Alice',
      },
    });
    expect(claim.spec).toEqual({
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '10Gi' } },
      storageClassName: 'fast',
    });
    expect(new SessionWorkloadBuilder(session(), 'streamspace', settings()).homeVolumeClaim().spec).toEqual({
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: '50Gi' } },
    });
  });
});
