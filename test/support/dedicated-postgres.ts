import { execFile } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from '../control-plane/control-plane.js';

const run = promisify(execFile);

/**
 * A PostgreSQL server of its own (initdb + pg_ctl on a free 127.0.0.1 port, trust auth), so a test
 * can stop and start it without touching the shared one. PostgreSQL refuses to run as root: then
 * its files belong to the `postgres` account and the commands run as that account.
 */
export class DedicatedPostgres {
  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async start(): Promise<DedicatedPostgres> {
    const dataDir = mkdtempSync(join(tmpdir(), 'streamspace-pg-'));
    if (process.getuid?.() === 0) chownSync(dataDir, ...(await postgresIds()));
    const [port] = await freePorts(1);
    const server = new DedicatedPostgres(dataDir, port);
    await server.pg('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync', '-E', 'UTF8']);
    await server.startServer();
    return server;
  }

  async startServer(): Promise<void> {
    const options = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dataDir} -c fsync=off`;
    await this.pg('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dataDir, 'server.log'), '-w', 'start']);
  }

  /** Fast shutdown: open connections are cut, as in a crash of the database host's service. */
  async stopServer(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stopServer().catch(() => undefined);
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async pg(command: string, args: string[]): Promise<void> {
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
    else await run(command, args);
  }
}

async function postgresIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return [Number(uid.stdout), Number(gid.stdout)];
}
