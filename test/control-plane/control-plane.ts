// A real Kubernetes control plane on 127.0.0.1 for tests and local development.
// lite: etcd + kube-apiserver. full: + kube-controller-manager, kube-scheduler and kwok (fake
// kubelets), fake nodes and a pool of static PersistentVolumes.
// Recipe, versions and pitfalls: /work/shared/docs/test-cluster.md.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, existsSync, openSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

export type ClusterMode = 'lite' | 'full';

export interface ControlPlaneOptions {
  /** lite: etcd + kube-apiserver; full: + controller-manager, scheduler, kwok, fake nodes, PV pool. */
  mode: ClusterMode;
  /** Folder with the binaries; default {@link resolveBinDir}(). */
  binDir?: string;
  /** Every *.yaml here is applied and awaited until Established; default helm/streamspace-api/crds. */
  crdDir?: string;
  /** Full mode: number of fake nodes kwok-node-0..N-1 (default 2). */
  fakeNodes?: number;
  /** Full mode: number of static 1Ti PersistentVolumes without storage class (default 200). */
  persistentVolumes?: number;
  /** Extra kube-apiserver flags, e.g. `--watch-cache=false` (watches then read etcd directly). */
  apiServerArgs?: string[];
  /** Namespaces created after start (default: $NAMESPACE, else 'streamspace', the server's default). */
  namespaces?: string[];
  log?: (line: string) => void;
}

const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'kubectl'] as const;
type Binary = (typeof BINARIES)[number];
type Component = Exclude<Binary, 'kubectl'>;

// Must match KUBE_VERSION, ETCD_VERSION and KWOK_VERSION in build-binaries.sh.
const BIN_FOLDER = 'kube-v1.34.2-etcd-v3.6.4-kwok-v0.7.0';
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 40;
const FAKE_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

const execFileAsync = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The folder holding the six binaries, computed exactly as build-binaries.sh does. Never builds:
 * a cold build takes minutes, far beyond any test timeout.
 */
export function resolveBinDir(): string {
  const dir =
    process.env.STREAMSPACE_KUBE_BIN_DIR ||
    join(process.env.STREAMSPACE_CACHE_DIR || join(homedir(), '.cache', 'streamspace'), BIN_FOLDER);
  assertBinaries(dir);
  return dir;
}

function assertBinaries(dir: string): void {
  const missing = BINARIES.filter((bin) => {
    try {
      accessSync(join(dir, bin), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new Error(
      `Kubernetes test binaries missing in ${dir}: ${missing.join(', ')}. ` +
        'Run `npm run cluster:build` first (a cold build takes about 6 minutes), ' +
        'or set STREAMSPACE_KUBE_BIN_DIR to a folder with ready-made binaries.',
    );
  }
}

// Hook run on process exit: SIGKILLs the children of every instance that was not stopped, so an
// interrupted run leaves no etcd/apiserver behind. Must be synchronous.
const exitHooks = new Set<() => void>();
const runExitHooks = () => exitHooks.forEach((hook) => hook());
// A signal nobody else handles ends the process without an 'exit' event: kill the children, then
// die of the signal. A process that handles the signal itself (npm run dev, npm run cluster) stops
// its cluster in order with stop(); the 'exit' hook stays as the backstop.
const onSignal = (signal: NodeJS.Signals) => {
  if (process.listenerCount(signal) > 1) return;
  runExitHooks();
  process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  process.kill(process.pid, signal);
};

function addExitHook(hook: () => void): void {
  if (exitHooks.size === 0) process.on('exit', runExitHooks).on('SIGINT', onSignal).on('SIGTERM', onSignal);
  exitHooks.add(hook);
}

function removeExitHook(hook: () => void): void {
  exitHooks.delete(hook);
  if (exitHooks.size === 0) process.off('exit', runExitHooks).off('SIGINT', onSignal).off('SIGTERM', onSignal);
}

export class ControlPlane {
  readonly apiServerUrl: string;
  readonly kubeconfigPath: string;
  /** Full mode: the CRI-format file kwok serves (follow: true) as the log of every container. */
  readonly podLogFile: string;
  readonly fakeNodeNames: string[];

  private readonly files: Record<'ca' | 'caKey' | 'cert' | 'key' | 'saKey' | 'saPub' | 'tokens' | 'kwokConfig', string>;
  private readonly token = randomBytes(32).toString('hex');
  private readonly components = new Map<Component, { proc: ChildProcess; args: string[]; logFile: string }>();
  /** Every child still running (components and kubectl calls) with a promise of its exit. */
  private readonly running = new Map<ChildProcess, Promise<void>>();
  private readonly expectedExits = new WeakSet<ChildProcess>();
  private readonly exitHook = () => this.killNow();
  private caPem?: Buffer;
  private stopping?: Promise<void>;

  private constructor(
    readonly mode: ClusterMode,
    readonly workDir: string,
    private readonly binDir: string,
    private readonly ports: { etcdClient: number; etcdPeer: number; apiServer: number; kwok: number },
    private readonly log: (line: string) => void,
    fakeNodes: number,
    private readonly apiServerArgs: string[],
  ) {
    this.apiServerUrl = `https://127.0.0.1:${ports.apiServer}`;
    this.kubeconfigPath = join(workDir, 'kubeconfig.yaml');
    this.podLogFile = join(workDir, 'pod.log');
    this.fakeNodeNames = mode === 'full' ? Array.from({ length: fakeNodes }, (_, i) => `kwok-node-${i}`) : [];
    const pki = (name: string) => join(workDir, 'pki', name);
    this.files = {
      ca: pki('ca.crt'),
      caKey: pki('ca.key'),
      cert: pki('apiserver.crt'),
      key: pki('apiserver.key'),
      saKey: pki('sa.key'),
      saPub: pki('sa.pub'),
      tokens: pki('tokens.csv'),
      kwokConfig: join(workDir, 'kwok.yaml'),
    };
  }

  static async start(opts: ControlPlaneOptions): Promise<ControlPlane> {
    const binDir = opts.binDir ?? resolveBinDir();
    assertBinaries(binDir);
    const [etcdClient, etcdPeer, apiServer, kwok] = await freePorts(4);
    const workDir = await mkdtemp(join(tmpdir(), 'streamspace-kube-'));
    const cp = new ControlPlane(
      opts.mode,
      workDir,
      binDir,
      { etcdClient, etcdPeer, apiServer, kwok },
      opts.log ?? (() => {}),
      opts.fakeNodes ?? 2,
      opts.apiServerArgs ?? [],
    );
    addExitHook(cp.exitHook);
    try {
      await cp.boot(opts);
    } catch (err) {
      await cp.stop();
      throw err;
    }
    return cp;
  }

  /** PIDs of every process this instance started that is still running. */
  pids(): number[] {
    return [...this.running.keys()].map((proc) => proc.pid).filter((pid): pid is number => pid !== undefined);
  }

  /** SIGTERMs kube-apiserver only and waits for it to exit (SIGKILL after 10 s). */
  async stopApiServer(): Promise<void> {
    await this.terminate(this.component('kube-apiserver').proc);
  }

  /** Starts kube-apiserver again with the same flags, port and etcd data; resolves once ready. */
  async startApiServer(): Promise<void> {
    const { proc, args } = this.component('kube-apiserver');
    if (this.running.has(proc)) throw new Error('kube-apiserver is already running');
    this.spawnComponent('kube-apiserver', args);
    await this.waitForApiServer();
  }

  /**
   * Compacts etcd's history up to its current revision, as the API server does every 5 minutes:
   * a watch from an older resourceVersion is then answered 410 Gone. Resolves with the revision.
   */
  async compactEtcd(): Promise<number> {
    const etcd = async (path: string, body: object) => {
      const response = await fetch(`http://127.0.0.1:${this.ports.etcdClient}/v3/kv/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`etcd ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { header: { revision: string } };
    };
    // Any range answers with the store's current revision in its header.
    const { header } = await etcd('range', { key: Buffer.from('/').toString('base64') });
    await etcd('compaction', { revision: header.revision, physical: true });
    return Number(header.revision);
  }

  /** Runs kubectl against this cluster; resolves with stdout, rejects with stderr. */
  kubectl(args: string[], input?: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const proc = execFile(
        join(this.binDir, 'kubectl'),
        ['--kubeconfig', this.kubeconfigPath, ...args],
        { maxBuffer: 256 * 1024 * 1024 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`kubectl ${args.join(' ')} failed: ${stderr.trim() || err.message}`));
          else resolve(stdout);
        },
      );
      this.track(proc);
      // kubectl may exit before reading stdin (EPIPE); the exit callback reports the failure.
      proc.stdin?.on('error', () => {});
      proc.stdin?.end(input ?? '');
    });
  }

  /** Kills every started process by PID (dependants first, etcd last), then removes workDir. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const order: Component[][] = [['kwok', 'kube-scheduler', 'kube-controller-manager'], ['kube-apiserver'], ['etcd']];
    for (const group of order) {
      const procs = group.flatMap((name) => this.components.get(name)?.proc ?? []);
      await Promise.all(procs.map((proc) => this.terminate(proc)));
    }
    await Promise.all([...this.running.keys()].map((proc) => this.terminate(proc)));
    removeExitHook(this.exitHook);
    await rm(this.workDir, { recursive: true, force: true });
  }

  private killNow(): void {
    for (const proc of this.running.keys()) {
      this.expectedExits.add(proc);
      proc.kill('SIGKILL');
    }
    rmSync(this.workDir, { recursive: true, force: true });
  }

  private async boot(opts: ControlPlaneOptions): Promise<void> {
    const started = Date.now();
    await mkdir(join(this.workDir, 'logs'));
    // etcd needs no certificates: let it boot while openssl runs.
    this.startEtcd();
    await this.writeCredentials();
    await this.waitUntil('etcd to be healthy', ['etcd'], async () => {
      const { body } = await httpGet(`http://127.0.0.1:${this.ports.etcdClient}/health`);
      return JSON.parse(body).health === 'true';
    });
    this.startApiServerProcess();
    await this.waitForApiServer();
    this.log(`kube-apiserver ready at ${this.apiServerUrl} after ${Date.now() - started} ms`);

    if (this.mode === 'full') {
      await this.startFullModeComponents();
      // kwok must run before the nodes exist so that it gives them the address 127.0.0.1.
      await this.createFakeNodesAndVolumes(opts.persistentVolumes ?? 200);
    }
    await Promise.all([
      this.createNamespaces(opts.namespaces ?? [process.env.NAMESPACE ?? 'streamspace']),
      this.applyCrds(opts.crdDir ?? join(REPO_ROOT, 'helm', 'streamspace-api', 'crds')),
    ]);
    if (this.mode === 'full') await this.waitForFakeNodes();
    this.log(`${this.mode} control plane ready after ${Date.now() - started} ms`);
  }

  private async writeCredentials(): Promise<void> {
    const f = this.files;
    await mkdir(join(this.workDir, 'pki'));
    await Promise.all([
      openssl(
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '3650',
        '-subj',
        '/CN=streamspace-test-ca',
        '-keyout',
        f.caKey,
        '-out',
        f.ca,
      ),
      openssl(
        'req',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=kube-apiserver',
        '-keyout',
        f.key,
        '-out',
        `${f.cert}.csr`,
      ),
      openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', f.saKey),
    ]);
    const extFile = `${f.cert}.ext`;
    await writeFile(
      extFile,
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\n' +
        'keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n',
    );
    await Promise.all([
      openssl(
        'x509',
        '-req',
        '-in',
        `${f.cert}.csr`,
        '-CA',
        f.ca,
        '-CAkey',
        f.caKey,
        '-CAcreateserial',
        '-days',
        '3650',
        '-extfile',
        extFile,
        '-out',
        f.cert,
      ),
      openssl('pkey', '-in', f.saKey, '-pubout', '-out', f.saPub),
      writeFile(f.tokens, `${this.token},admin,admin,system:masters\n`, { mode: 0o600 }),
    ]);
    this.caPem = await readFile(f.ca);
    const kubeconfig = {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'streamspace-test', cluster: { server: this.apiServerUrl, 'certificate-authority': f.ca } }],
      users: [{ name: 'admin', user: { token: this.token } }],
      contexts: [{ name: 'streamspace-test', context: { cluster: 'streamspace-test', user: 'admin' } }],
      'current-context': 'streamspace-test',
    };
    await writeFile(this.kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
  }

  private startEtcd(): void {
    const peerUrl = `http://127.0.0.1:${this.ports.etcdPeer}`;
    const clientUrl = `http://127.0.0.1:${this.ports.etcdClient}`;
    this.spawnComponent('etcd', [
      `--data-dir=${join(this.workDir, 'etcd')}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=${peerUrl}`,
      `--initial-advertise-peer-urls=${peerUrl}`,
      `--initial-cluster=default=${peerUrl}`,
      '--unsafe-no-fsync',
    ]);
  }

  private startApiServerProcess(): void {
    const f = this.files;
    this.spawnComponent('kube-apiserver', [
      `--etcd-servers=http://127.0.0.1:${this.ports.etcdClient}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${this.ports.apiServer}`,
      `--cert-dir=${join(this.workDir, 'apiserver')}`,
      `--tls-cert-file=${f.cert}`,
      `--tls-private-key-file=${f.key}`,
      `--client-ca-file=${f.ca}`,
      `--token-auth-file=${f.tokens}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${f.saPub}`,
      `--service-account-signing-key-file=${f.saKey}`,
      '--disable-admission-plugins=ServiceAccount',
      '--kubelet-preferred-address-types=InternalIP',
      // Close open watches on SIGTERM instead of letting them hold the shutdown up to --request-timeout
      // (60 s): stopApiServer() then takes ~1 s instead of running into the SIGKILL grace period.
      '--shutdown-watch-termination-grace-period=2s',
      ...this.apiServerArgs,
    ]);
  }

  private async startFullModeComponents(): Promise<void> {
    const f = this.files;
    const kubeconfigFlags = [
      `--kubeconfig=${this.kubeconfigPath}`,
      `--authentication-kubeconfig=${this.kubeconfigPath}`,
      `--authorization-kubeconfig=${this.kubeconfigPath}`,
    ];
    this.spawnComponent('kube-controller-manager', [
      ...kubeconfigFlags,
      '--bind-address=127.0.0.1',
      '--secure-port=0',
      `--service-account-private-key-file=${f.saKey}`,
      `--root-ca-file=${f.ca}`,
      '--leader-elect=false',
      // nodeipam would need a cluster CIDR. The node lifecycle controller stays on: it removes the
      // not-ready taint that admission puts on new nodes.
      '--controllers=*,-nodeipam',
    ]);
    this.spawnComponent('kube-scheduler', [...kubeconfigFlags, '--secure-port=0', '--leader-elect=false']);

    // kwok serves this file as the log of every container; tests append CRI lines to it.
    await writeFile(this.podLogFile, `${new Date().toISOString()} stdout F streamspace test cluster pod log\n`);
    const clusterLogs = {
      apiVersion: 'kwok.x-k8s.io/v1alpha1',
      kind: 'ClusterLogs',
      metadata: { name: 'pod-logs' },
      spec: { selector: {}, logs: [{ containers: [], logsFile: this.podLogFile, follow: true }] },
    };
    await writeFile(f.kwokConfig, stringify(clusterLogs));
    this.spawnComponent('kwok', [
      `--kubeconfig=${this.kubeconfigPath}`,
      `--config=${f.kwokConfig}`,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION}=fake`,
      '--manage-nodes-with-label-selector=',
      // Without node leases the nodes keep the not-ready taint and nothing schedules.
      '--node-lease-duration-seconds=40',
      '--node-ip=127.0.0.1',
      `--node-port=${this.ports.kwok}`,
      `--server-address=127.0.0.1:${this.ports.kwok}`,
      `--tls-cert-file=${f.cert}`,
      `--tls-private-key-file=${f.key}`,
    ]);
  }

  private async createFakeNodesAndVolumes(volumes: number): Promise<void> {
    const resources = { cpu: '32', memory: '256Gi', pods: '110' };
    const nodeObjects = this.fakeNodeNames.map((name) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { [FAKE_NODE_ANNOTATION]: 'fake' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          type: 'kwok',
        },
      },
      status: { capacity: resources, allocatable: resources },
    }));
    // No provisioner runs here: claims without a storage class bind to these static volumes.
    // A Retained volume is never reused, so the pool must cover a whole test run.
    const volumeObjects = Array.from({ length: volumes }, (_, i) => {
      const name = `kwok-pv-${String(i).padStart(3, '0')}`;
      return {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, labels: { type: 'kwok' } },
        spec: {
          capacity: { storage: '1Ti' },
          accessModes: ['ReadWriteOnce', 'ReadWriteMany'],
          storageClassName: '',
          persistentVolumeReclaimPolicy: 'Retain',
          hostPath: { path: join(this.workDir, 'volumes', name) },
        },
      };
    });
    const list = { apiVersion: 'v1', kind: 'List', items: [...nodeObjects, ...volumeObjects] };
    await this.kubectl(['create', '-f', '-'], JSON.stringify(list));
  }

  private async createNamespaces(names: string[]): Promise<void> {
    if (names.length === 0) return;
    const items = names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    await this.kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  }

  private async applyCrds(crdDir: string): Promise<void> {
    if (!existsSync(crdDir)) return;
    const files = (await readdir(crdDir)).filter((name) => name.endsWith('.yaml')).sort();
    if (files.length === 0) return;
    // Server-side apply: large CRD schemas overflow the client-side last-applied annotation.
    const fileArgs = files.flatMap((name) => ['-f', join(crdDir, name)]);
    const applied = await this.kubectl(['apply', '--server-side', '-o', 'name', ...fileArgs]);
    const crds = applied.split('\n').filter((line) => line.startsWith('customresourcedefinition'));
    if (crds.length === 0) return;
    await this.kubectl(['wait', '--for=condition=Established', `--timeout=${READY_TIMEOUT_MS / 1000}s`, ...crds]);
    this.log(`${crds.length} CRDs established`);
  }

  private async waitForApiServer(): Promise<void> {
    // While not ready the body lists many "[+]... ok" checks: only the exact body "ok" means ready.
    await this.waitUntil('kube-apiserver /readyz', ['kube-apiserver'], async () => {
      const { status, body } = await this.apiGet('/readyz');
      return status === 200 && body === 'ok';
    });
  }

  private async waitForFakeNodes(): Promise<void> {
    const watched: Component[] = ['kwok', 'kube-controller-manager', 'kube-scheduler'];
    await this.waitUntil('fake nodes to be Ready and untainted', watched, async () => {
      const { status, body } = await this.apiGet('/api/v1/nodes?labelSelector=type%3Dkwok');
      if (status !== 200) return false;
      const nodes: NodeList = JSON.parse(body);
      return this.fakeNodeNames.every((name) => {
        const node = nodes.items.find((item) => item.metadata.name === name);
        const ready = node?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        const notReadyTaint = node?.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/not-ready');
        return ready && !notReadyTaint;
      });
    });
  }

  /** Polls `check` until it returns true; fails early (with log tails) if a watched component exits. */
  private async waitUntil(what: string, watched: Component[], check: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      for (const name of watched) {
        const { proc } = this.component(name);
        if (!this.running.has(proc)) {
          const status = proc.exitCode ?? proc.signalCode;
          throw await this.startError(`${name} exited (${status}) while waiting for ${what}`, [name]);
        }
      }
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) {
        throw await this.startError(`Timed out after ${READY_TIMEOUT_MS / 1000} s waiting for ${what}`, watched);
      }
      await sleep(100);
    }
  }

  private async startError(message: string, components: Component[]): Promise<Error> {
    const tails = await Promise.all(
      components.map(async (name) => {
        const { logFile } = this.component(name);
        const lines = (await readFile(logFile, 'utf8').catch(() => '')).trimEnd().split('\n');
        return `--- last ${LOG_TAIL_LINES} lines of the ${name} log ---\n${lines.slice(-LOG_TAIL_LINES).join('\n')}`;
      }),
    );
    return new Error([message, ...tails].join('\n'));
  }

  private apiGet(path: string): Promise<{ status: number; body: string }> {
    return httpGet(`${this.apiServerUrl}${path}`, {
      ca: this.caPem,
      headers: { Authorization: `Bearer ${this.token}` },
    });
  }

  private spawnComponent(name: Component, args: string[]): void {
    const logFile = join(this.workDir, 'logs', `${name}.log`);
    // Output goes straight to a file (appended across restarts), never to the test output.
    const fd = openSync(logFile, 'a');
    let proc: ChildProcess;
    try {
      // Own process group: a terminal's Ctrl-C reaches only our process, which stops the
      // components in order (dependants first) instead of all of them dying at once.
      proc = spawn(join(this.binDir, name), args, { stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    this.track(proc);
    proc.once('exit', (code, signal) => {
      if (!this.expectedExits.has(proc)) this.log(`${name} exited unexpectedly (${code ?? signal}), see ${logFile}`);
    });
    this.components.set(name, { proc, args, logFile });
  }

  private track(proc: ChildProcess): void {
    const exited = new Promise<void>((resolve) => {
      const done = () => {
        this.running.delete(proc);
        resolve();
      };
      proc.once('exit', done);
      proc.once('error', done); // spawn failures emit 'error' and never 'exit'
    });
    this.running.set(proc, exited);
  }

  /** SIGTERM, SIGKILL after a grace period; resolves when the process has exited. */
  private async terminate(proc: ChildProcess): Promise<void> {
    const exited = this.running.get(proc);
    if (!exited) return;
    this.expectedExits.add(proc);
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  }

  private component(name: Component) {
    const component = this.components.get(name);
    if (!component) throw new Error(`${name} was not started (mode ${this.mode})`);
    return component;
  }
}

interface NodeList {
  items: Array<{
    metadata: { name: string };
    spec?: { taints?: Array<{ key: string }> };
    status?: { conditions?: Array<{ type: string; status: string }> };
  }>;
}

/** Free loopback ports: bind port 0, read the port the kernel chose, close. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => {
      const server = createServer();
      return new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve(server));
      });
    }),
  );
  // Keep all open until every port is read so the kernel cannot hand out the same one twice.
  const ports = servers.map((server) => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('unexpected server address');
    return address.port;
  });
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function openssl(...args: string[]): Promise<void> {
  await execFileAsync('openssl', args);
}

/** GET over http or https (Node's fetch cannot take a custom CA); one connection per request. */
function httpGet(url: string, options: https.RequestOptions = {}): Promise<{ status: number; body: string }> {
  const client = url.startsWith('https:') ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.get(url, { ...options, agent: false, timeout: 2_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}
