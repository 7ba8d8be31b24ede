// The production image's Dockerfile, parsed with dockerfile-ast (images cannot be built on the CI
// machines: no base image can be pulled). Checks what `docker build .` would ship.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { type Dockerfile, DockerfileParser, type Instruction } from 'dockerfile-ast';

const ROOT = new URL('../../', import.meta.url);
const dockerfile: Dockerfile = DockerfileParser.parse(readFileSync(new URL('Dockerfile', ROOT), 'utf8'));
const dockerignore = readFileSync(new URL('.dockerignore', ROOT), 'utf8')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));

const froms = dockerfile.getFROMs();
const stageNames = froms.map((from) => from.getBuildStage());
const lineOf = (instruction: Instruction) => instruction.getRange().start.line;
/** Instructions of the last stage: the image that ships. */
const runtime = dockerfile.getInstructions().filter((instruction) => lineOf(instruction) > lineOf(froms.at(-1)!));
const runtimeKeyword = (keyword: string) => runtime.filter((instruction) => instruction.getKeyword() === keyword);
const runs = dockerfile
  .getInstructions()
  .filter((instruction) => instruction.getKeyword() === 'RUN')
  .map((run) => run.getArgumentsContent() ?? '');

describe('Dockerfile', () => {
  it('builds in named stages: install with npm ci, compile, prune to production dependencies, then a slim runtime', () => {
    expect(stageNames).toEqual(['deps', 'build', 'prod-deps', 'runtime']);
    expect(runs.some((run) => /\bnpm ci\b/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm run build\b/.test(run))).toBe(true);
    expect(runs.some((run) => /\bnpm prune --omit=dev\b/.test(run))).toBe(true);
    const copiedFrom = dockerfile
      .getCOPYs()
      .filter((copy) => lineOf(copy) > lineOf(froms.at(-1)!))
      .map((copy) =>
        [...copy.getFlags().map((flag) => `--${flag.getName()}=${flag.getValue()}`), copy.getArgumentsContent()].join(
          ' ',
        ),
      );
    expect(copiedFrom).toEqual(
      expect.arrayContaining([
        '--from=prod-deps /app/node_modules ./node_modules',
        '--from=build /app/dist ./dist',
        'catalog ./catalog',
      ]),
    );
    // Dev dependencies never reach the runtime stage: it does not run npm at all.
    expect(runtimeKeyword('RUN')).toEqual([]);
  });

  it('starts every stage from a pinned Node 24 slim image or an earlier stage, never latest', () => {
    for (const [index, from] of froms.entries()) {
      const image = from.getImageName()!;
      if (stageNames.slice(0, index).includes(image)) continue;
      expect(image).toBe('node');
      expect(from.getImageTag()).toMatch(/^24\.\d+\.\d+-[a-z]+-slim$/);
    }
    expect(froms.map((from) => from.getImageTag())).not.toContain('latest');
    expect(froms.some((from) => from.getImageName() === 'node')).toBe(true);
  });

  it('runs as a non-root user with NODE_ENV=production, port 8000 and a liveness HEALTHCHECK', () => {
    const users = runtimeKeyword('USER').map((user) => user.getArgumentsContent()!);
    expect(users).toHaveLength(1);
    const [user] = users[0].split(':');
    expect(['root', '0', '']).not.toContain(user);
    expect(user).toMatch(/^[1-9]\d*$/); // numeric, so Kubernetes can verify runAsNonRoot

    const env = new Map(
      dockerfile
        .getENVs()
        .flatMap((instruction) => instruction.getProperties())
        .map((property) => [property.getName(), property.getValue()]),
    );
    expect(env.get('NODE_ENV')).toBe('production');
    expect(runtimeKeyword('EXPOSE').map((expose) => expose.getArgumentsContent())).toEqual(['8000']);

    const [healthcheck] = dockerfile.getHEALTHCHECKs();
    expect(healthcheck?.getArgumentsContent()).toMatch(/CMD \[.*\/health\/live/s);
  });

  it('starts node directly with an exec-form CMD, so SIGTERM reaches the server', () => {
    const cmds = dockerfile.getCMDs();
    expect(cmds).toHaveLength(1);
    expect(cmds[0].getJSONStrings().map((argument) => argument.getJSONValue())).toEqual(['node', 'dist/main.js']);
    expect(dockerfile.getENTRYPOINTs()).toEqual([]);
  });

  it('keeps secrets out of ENV and ARG', () => {
    const names = [
      ...dockerfile
        .getENVs()
        .flatMap((instruction) => instruction.getProperties().map((property) => property.getName())),
      ...dockerfile.getARGs().map((arg) => arg.getProperty()?.getName() ?? ''),
      ...dockerfile.getInitialARGs().map((arg) => arg.getProperty()?.getName() ?? ''),
    ];
    for (const name of names) expect(name).not.toMatch(/SECRET|PASSWORD|TOKEN|KEY|CREDENTIAL|DATABASE_URL|DB_/i);
    const values = dockerfile
      .getENVs()
      .flatMap((instruction) => instruction.getProperties().map((property) => property.getValue() ?? ''));
    for (const value of values) expect(value).not.toMatch(/:\/\/[^/\s]*:[^/\s]*@/); // no credentials in URLs
  });

  it('keeps the build context small with .dockerignore, without ignoring what the build copies', () => {
    expect(dockerignore).toEqual(
      expect.arrayContaining(['node_modules', 'dist', '.git', '.env', '.env.*', 'test', '.data']),
    );
    const sources = dockerfile
      .getCOPYs()
      .filter((copy) => !copy.getFlags().some((flag) => flag.getName() === 'from'))
      .flatMap((copy) =>
        copy
          .getArguments()
          .slice(0, -1)
          .map((argument) => argument.getValue()),
      );
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'src', 'catalog']));
    for (const source of sources) expect(dockerignore).not.toContain(source);
  });
});
