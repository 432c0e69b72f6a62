// Shared facts about the local engine: where it lives, how to reach it, how to run its tools.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export class CommandError extends Error {}

/**
 * Where this checkout's cluster lives: outside the clone, so the server's OS user can reach it whatever
 * the clone's folder allows (a 0700 mktemp folder, /root). Root runs the server as the `postgres` OS user
 * and keeps the data under /var/lib/agentbase; anyone else runs it as themselves under their state folder.
 * The folder name is the checkout's real path hashed, so each clone (and each symlink to one) gets one.
 * AGENTBASE_ENGINE_DIR overrides it.
 */
function defaultEngineDir(): string {
  const real = realpathSync(projectRoot);
  const name = basename(real).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 24) || 'root';
  const id = `${name}-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`;
  // PostgreSQL 17 runs inside its Debian root, so its cluster must live inside that root too.
  if (pgRoot) return join(pgRoot, 'srv', 'agentbase', `${id}-pg${pgMajor}`);
  if (isRoot) return join('/var/lib/agentbase', id);
  const state = process.env.XDG_STATE_HOME?.trim() || join(homedir(), '.local', 'state');
  return join(state, 'agentbase', id);
}

/** Stops at import time with one line: these settings are read before any script's main() runs. */
function configError(message: string): never {
  process.stderr.write(`[agentbase] error: ${message}\n`);
  process.exit(1);
}

/**
 * The PostgreSQL major: 15 (Debian bookworm's, the default) or 17 (what new Supabase projects run),
 * selected with AGENTBASE_PG_MAJOR=17. 17 comes from a minimal Debian trixie root (debootstrap) under
 * /var/lib/agentbase/roots, because trixie's binaries cannot be installed on bookworm itself.
 */
function engineMajor(): 15 | 17 {
  const raw = process.env.AGENTBASE_PG_MAJOR?.trim();
  if (!raw || raw === '15') return 15;
  if (raw === '17') return 17;
  return configError(`AGENTBASE_PG_MAJOR must be 15 or 17, got "${raw}"`);
}

export const pgMajor = engineMajor();
/** The Debian root the server runs in (PostgreSQL 17), or null when it runs on this machine directly. */
export const pgRoot: string | null =
  pgMajor === 17 ? process.env.AGENTBASE_PG17_ROOT?.trim() || '/var/lib/agentbase/roots/trixie-pg17' : null;

/** A host path as the server inside pgRoot sees it. */
export function inRoot(hostPath: string): string {
  return pgRoot && hostPath.startsWith(`${pgRoot}/`) ? hostPath.slice(pgRoot.length) : hostPath;
}

function enginePort(): number {
  const raw = process.env.AGENTBASE_DB_PORT?.trim();
  // 17 gets its own default so both majors can run side by side.
  if (!raw) return pgMajor === 17 ? 54332 : 54322;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1024 || value > 65535) {
    configError(`AGENTBASE_DB_PORT must be a port number between 1024 and 65535, got "${raw}"`);
  }
  return value;
}

export const engineDir = process.env.AGENTBASE_ENGINE_DIR?.trim() || defaultEngineDir();
export const dataDir = join(engineDir, 'data');
export const socketDir = join(engineDir, 'run');
export const logFile = join(engineDir, 'postgres.log');
/** The server binaries, as a path on this machine (15) or inside pgRoot (17). */
export const pgBin = `/usr/lib/postgresql/${pgMajor}/bin`;
// 54322 is the port `supabase start` uses; AGENTBASE_DB_PORT runs a second engine beside it.
export const port = enginePort();
// The URL `supabase start` also serves, so one URL works with or without Docker.
export const defaultUrl = `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`;
export const supabaseBin = join(projectRoot, 'node_modules', '.bin', 'supabase');

/** The database every script talks to: SUPABASE_DB_URL when set, else the local engine's URL. */
export function dbUrl(): string {
  return process.env.SUPABASE_DB_URL?.trim() || defaultUrl;
}

export function log(message: string): void {
  process.stderr.write(`[agentbase] ${message}\n`);
}

/**
 * Runs one long step (an install, a build, initdb, a reset) between two log lines, the second with its
 * elapsed time, so a slow first run shows progress instead of silence.
 */
export function step<T>(label: string, fn: () => T): T {
  const started = Date.now();
  log(`${label} ...`);
  const result = fn();
  log(`${label}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion; throws with its output unless `allowFailure`. */
export function run(
  cmd: string,
  args: string[],
  options: SpawnSyncOptions & { allowFailure?: boolean; quiet?: boolean } = {},
): RunResult {
  const { allowFailure, quiet, ...spawnOptions } = options;
  const result = spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    ...spawnOptions,
  });
  if (result.error) {
    throw new CommandError(`${cmd}: ${result.error.message}`);
  }
  const out: RunResult = {
    status: result.status ?? 1,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
  };
  if (out.status !== 0 && !allowFailure) {
    if (!quiet) process.stderr.write(out.stdout + out.stderr);
    throw new CommandError(`${cmd} ${args.join(' ')} exited with ${out.status}`);
  }
  return out;
}

/**
 * Environment for the Supabase CLI. It treats 127.0.0.1:<db.port> as its own Docker stack unless its
 * services hostname points elsewhere; with this, `--remote=<url>` targets the URL as a plain Postgres.
 */
export function cliEnv(): NodeJS.ProcessEnv {
  const loopback = /@(127\.0\.0\.1|localhost|\[::1\])[:/]/.test(dbUrl());
  return {
    ...process.env,
    SUPABASE_SERVICES_HOSTNAME: process.env.SUPABASE_SERVICES_HOSTNAME ?? 'no-docker.invalid',
    // A loopback server has no TLS; without this the CLI prints a warning into generated output.
    ...(loopback && !process.env.PGSSLMODE ? { PGSSLMODE: 'disable' } : {}),
  };
}

/** Runs the pinned Supabase CLI against the database URL. */
export function supabase(args: string[], options: { allowFailure?: boolean; quiet?: boolean } = {}): RunResult {
  if (!existsSync(supabaseBin)) {
    throw new CommandError('The Supabase CLI is missing: run `npm install` first.');
  }
  return run(supabaseBin, args, { cwd: projectRoot, env: cliEnv(), ...options });
}

/** True when a Postgres answers at the URL with the given credentials. */
export async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Runs SQL on the URL and returns the rows. */
export async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/**
 * A PostgreSQL client tool of the server's major (pg_dump refuses servers newer than itself): the host's
 * for 15, the one inside pgRoot for 17. Returns the command and its leading arguments.
 */
export function pgTool(bin: string): [string, string[]] {
  if (pgRoot) return ['chroot', [pgRoot, join(pgBin, bin)]];
  return [bin, []];
}

/** Runs a Postgres server binary as the `postgres` OS user when we are root (Postgres refuses root). */
export function runAsPostgres(bin: string, args: string[], options: { allowFailure?: boolean } = {}): RunResult {
  const full = join(pgBin, bin);
  if (pgRoot) {
    return run('chroot', [pgRoot, 'runuser', '-u', 'postgres', '--', full, ...args.map((a) => a.split(pgRoot!).join(''))], options);
  }
  if (isRoot) {
    return run('runuser', ['-u', 'postgres', '--', full, ...args], options);
  }
  return run(full, args, options);
}

export function clusterRunning(): boolean {
  if (!existsSync(join(dataDir, 'PG_VERSION'))) return false;
  return runAsPostgres('pg_ctl', ['-D', dataDir, 'status'], { allowFailure: true }).status === 0;
}

/**
 * Runs a script's main function and turns a failure into one readable line and exit code 1: users see
 * the cause and the fix, not a stack trace. AGENTBASE_DEBUG=1 prints the stack as well.
 */
export function main(fn: () => Promise<void> | void): void {
  Promise.resolve()
    .then(fn)
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`[agentbase] error: ${message}\n`);
      if (process.env.AGENTBASE_DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    });
}
