// The first run as a new user does it: a fresh clone in a private (0700) temporary folder, reached
// through a path with a space and a symlink, then `npm run db:reset` there. The clone runs its own engine
// on another port so the suite's database is untouched; its cluster is removed afterwards. Also the
// failures that can be simulated here end with one line naming the cause and the fix, never a stack trace.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgMajor } from '../scripts/lib/engine.js';
import { provisionBlocker } from '../scripts/lib/provision.js';

const projectRoot = resolve(import.meta.dirname, '..');
// A port of its own: the suite's engine (or a Supabase stack) keeps 54322.
const clonePort = Number(process.env.AGENTBASE_FIRST_RUN_PORT ?? 54399);

/** Runs an npm script in a checkout with the given environment; never throws. */
function npmRun(cwd: string, script: string, env: NodeJS.ProcessEnv, args: string[] = []) {
  const { SUPABASE_DB_URL: _ignored, ...inherited } = process.env;
  const result = spawnSync('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    cwd,
    encoding: 'utf8',
    env: { ...inherited, ...env },
    timeout: 240_000,
  });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

describe('a fresh clone in a private folder', () => {
  let base: string;
  let viaSymlink: string;
  let engineDir = '';

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'agentbase-first-run-'));
    const real = join(base, 'with space', 'agentbase');
    mkdirSync(join(base, 'with space'));
    execFileSync('git', ['clone', '--quiet', projectRoot, real]);
    // The clone shares this checkout's installed packages instead of downloading them again.
    symlinkSync(join(projectRoot, 'node_modules'), join(real, 'node_modules'));
    viaSymlink = join(base, 'link');
    symlinkSync(real, viaSymlink);
  });

  afterAll(() => {
    if (viaSymlink) npmRun(viaSymlink, 'db:stop', { AGENTBASE_DB_PORT: String(clonePort) }, ['--remove']);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('is private to its owner, as mktemp makes it', () => {
    expect(statSync(base).mode & 0o777).toBe(0o700);
  });

  it('runs npm run db:reset to the end', () => {
    const result = npmRun(viaSymlink, 'db:reset', { AGENTBASE_DB_PORT: String(clonePort) });
    expect(result.output).toContain('reset done');
    // Its own new engine, not a leftover server on the same port.
    expect(result.output).not.toContain('reusing the database already listening');
    // Long steps report progress: a line when each starts and one with its elapsed time when it ends.
    for (const step of ['initdb', 'starting PostgreSQL', 'loading the Supabase stand-in', 'supabase db reset']) {
      expect(result.output).toMatch(new RegExp(`\\[agentbase\\] ${step}.*\\.\\.\\.\\n`));
      expect(result.output).toMatch(new RegExp(`\\[agentbase\\] ${step}.*: done in \\d+\\.\\d s`));
    }
    expect(result.status).toBe(0);
  }, 240_000);

  it('keeps the cluster outside the clone, where the server user can reach it', () => {
    const result = npmRun(viaSymlink, 'db:status', { AGENTBASE_DB_PORT: String(clonePort) });
    expect(result.output).toMatch(/reachable:\s+yes/);
    engineDir = /engine data:\s+(.+)/.exec(result.output)?.[1]?.trim() ?? '';
    expect(engineDir).not.toBe('');
    expect(existsSync(join(engineDir, 'data', 'PG_VERSION'))).toBe(true);
    expect(engineDir.startsWith(realpathSync(base))).toBe(false);
  });

  it('runs the README\'s commands there, and the files they regenerate match what is committed', () => {
    // npm test is what runs this file; benchmarks are long; db:reset ran above; db:stop ends the next test.
    const skip = new Set(['test', 'typecheck', 'db:reset', 'db:stop']);
    const readme = readFileSync(join(projectRoot, 'README.md'), 'utf8');
    const commands = [...new Set([...readme.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]!))]
      .filter((c) => !skip.has(c) && !c.startsWith('bench:'));
    expect(commands).toEqual(expect.arrayContaining(['db:start', 'db:status', 'gen:types', 'docs:erd', 'db:bundle']));
    for (const command of commands) {
      const result = npmRun(viaSymlink, command, { AGENTBASE_DB_PORT: String(clonePort) });
      expect(result.status, `npm run ${command}: ${result.output.slice(-500)}`).toBe(0);
    }
    // The schema snapshot is PostgreSQL 15's pg_dump output; other majors print it differently.
    const changed = execFileSync('git', ['status', '--porcelain'], { cwd: viaSymlink, encoding: 'utf8' })
      .split('\n').filter((line) => line.trim() !== '' && !(pgMajor !== 15 && line.endsWith('docs/schema.sql')));
    const diff = changed.length === 0 ? '' :
      execFileSync('git', ['diff', '-U0'], { cwd: viaSymlink, encoding: 'utf8' }).slice(0, 3000);
    expect(changed, diff).toEqual([]);
  }, 240_000);

  it('starts again without changing anything, and db:stop -- --remove deletes the cluster', () => {
    const again = npmRun(viaSymlink, 'db:start', { AGENTBASE_DB_PORT: String(clonePort) });
    expect(again.status).toBe(0);
    expect(again.output).not.toMatch(/initdb|apt-get|loading the Supabase stand-in/);
    const removed = npmRun(viaSymlink, 'db:stop', { AGENTBASE_DB_PORT: String(clonePort) }, ['--remove']);
    expect(removed.status).toBe(0);
    expect(existsSync(engineDir)).toBe(false);
  }, 120_000);
});

describe('failures name the cause and the fix', () => {
  let server: Server;
  let busyPort = 0;

  beforeAll(async () => {
    // Something that is not PostgreSQL: it accepts connections and answers garbage.
    server = createServer((socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
    busyPort = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolveClose) => server.close(() => resolveClose())));

  it('refuses a port taken by something that is not PostgreSQL', () => {
    const result = npmRun(projectRoot, 'db:start', {
      AGENTBASE_DB_PORT: String(busyPort),
      AGENTBASE_ENGINE_DIR: join(tmpdir(), `agentbase-never-created-${busyPort}`),
    });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain(`port ${busyPort} on 127.0.0.1 is taken by something that is not PostgreSQL`);
    expect(result.output).toContain('AGENTBASE_DB_PORT');
    expect(result.output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
    expect(existsSync(join(tmpdir(), `agentbase-never-created-${busyPort}`))).toBe(false);
  });

  it('refuses a port setting that is not a port', () => {
    const result = npmRun(projectRoot, 'db:status', { AGENTBASE_DB_PORT: 'fifty' });
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('AGENTBASE_DB_PORT must be a port number between 1024 and 65535, got "fifty"');
    expect(result.output).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
  });

  const facts = { isDebian: true, canEscalate: true, missingPackages: [], vectorMissing: false, untrustedExtensions: [] };

  it('lets a complete machine through, even without root', () => {
    expect(provisionBlocker({ ...facts, canEscalate: false })).toBeNull();
  });

  it('names the missing packages and the manual install on a platform without apt', () => {
    const message = provisionBlocker({ ...facts, isDebian: false, missingPackages: ['postgresql-15-pgtap'], vectorMissing: true });
    expect(message).toContain('missing postgresql-15-pgtap, pgvector and this platform has no apt-get');
    expect(message).toContain('apt-get install postgresql-15');
    expect(message).toContain('SUPABASE_DB_URL');
  });

  it('asks for root or sudo when packages are missing and neither is available', () => {
    const message = provisionBlocker({ ...facts, canEscalate: false, missingPackages: ['postgresql-15-cron'] });
    expect(message).toContain('missing postgresql-15-cron, which takes root: run the command as root or with passwordless sudo');
  });

  it('asks for root or sudo when only the trusted-extension marks are missing', () => {
    const message = provisionBlocker({ ...facts, canEscalate: false, untrustedExtensions: ['vector'] });
    expect(message).toContain('needs vector marked trusted, which takes root');
  });
});
