// The private cluster: create, start, stop, and load the Supabase stand-in.
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { dirname, join } from 'node:path';
import {
  CommandError,
  canConnect,
  clusterRunning,
  dataDir,
  dbUrl,
  defaultUrl,
  engineDir,
  inRoot,
  isRoot,
  log,
  pgMajor,
  pgRoot,
  logFile,
  port,
  projectRoot,
  run,
  runAsPostgres,
  socketDir,
  step,
} from './engine.js';
import { provision } from './provision.js';

const standinFile = join(projectRoot, 'scripts', 'engine', 'standin.sql');
const standinMarker = join(engineDir, 'standin.sha256');

const serverSettings = `
# agentbase local engine (scripts/lib/cluster.ts)
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${inRoot(socketDir)}'${pgRoot ? `
# The Debian root has no shared-memory filesystem mounted; files under the data folder serve instead.
dynamic_shared_memory_type = mmap` : ''}
# plpgsql_check's profiler counts every PL/pgSQL statement run, in shared memory, for the coverage report of
# npm test (scripts/lib/coverage.ts); it must load after plpgsql. Off by default, as on a hosted project:
# npm test turns it on for its own run (setProfiler), so benchmarks never pay for it.
shared_preload_libraries = 'pg_cron, pg_stat_statements, plpgsql, plpgsql_check'
plpgsql_check.profiler = off
cron.database_name = 'postgres'
# Jobs run in background workers, so they need no password to connect back (scram on TCP).
cron.use_background_workers = on
max_worker_processes = 16
wal_level = logical
max_connections = 200
shared_buffers = 256MB
log_min_messages = warning
`;

function initCluster(): void {
  // The parent is shared by every checkout's engine: root-owned and traversable, never writable by others.
  const parent = dirname(engineDir);
  if (!existsSync(parent)) {
    mkdirSync(parent, { recursive: true, mode: 0o755 });
    chmodSync(parent, 0o755);
  }
  mkdirSync(socketDir, { recursive: true, mode: 0o700 });
  const pwfile = join(engineDir, 'pwfile');
  writeFileSync(pwfile, 'postgres\n', { mode: 0o600 });
  // The server's OS user owns the cluster; inside a Debian root that is the root's own `postgres` user.
  if (pgRoot) run('chroot', [pgRoot, 'chown', '-R', 'postgres:postgres', inRoot(engineDir)]);
  else if (isRoot) run('chown', ['-R', 'postgres:postgres', engineDir]);
  step(`initdb ${dataDir}`, () => runAsPostgres('initdb', [
    '-D', dataDir,
    '-U', 'supabase_admin',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E', 'UTF8',
    '--locale=C.UTF-8',
  ]));
  rmSync(pwfile);
  appendFileSync(join(dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'agentbase.conf'\n");
}

const settingsFile = join(dataDir, 'agentbase.conf');

/** Writes the engine's server settings; true when they changed (a running server must restart). */
function writeSettings(): boolean {
  if (existsSync(settingsFile) && readFileSync(settingsFile, 'utf8') === serverSettings) return false;
  writeFileSync(settingsFile, serverSettings);
  if (pgRoot) run('chroot', [pgRoot, 'chown', 'postgres:postgres', inRoot(settingsFile)]);
  else if (isRoot) run('chown', ['postgres:postgres', settingsFile]);
  return true;
}

/**
 * What listens on a loopback port: nothing, a PostgreSQL server (it answers an SSLRequest with one byte,
 * 'S' or 'N'), or something else.
 */
export function probePort(target: number): Promise<'free' | 'postgres' | 'other'> {
  return new Promise((resolvePromise) => {
    const socket = tcpConnect({ host: '127.0.0.1', port: target });
    let settled = false;
    const done = (answer: 'free' | 'postgres' | 'other'): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolvePromise(answer);
    };
    socket.setTimeout(2000, () => done('other'));
    socket.on('error', (error: NodeJS.ErrnoException) => done(error.code === 'ECONNREFUSED' ? 'free' : 'other'));
    socket.on('connect', () => socket.write(Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])));
    socket.on('data', (data) => done(data.length === 1 && (data[0] === 0x53 || data[0] === 0x4e) ? 'postgres' : 'other'));
    socket.on('end', () => done('other'));
  });
}

async function assertPortUsable(): Promise<void> {
  const found = await probePort(port);
  if (found === 'free') return;
  const fix = `stop it, or run this engine on another port with AGENTBASE_DB_PORT=<port> (then use that port in the URL)`;
  if (found === 'other') {
    throw new CommandError(`port ${port} on 127.0.0.1 is taken by something that is not PostgreSQL: ${fix}`);
  }
  throw new CommandError(`port ${port} on 127.0.0.1 is taken by a PostgreSQL server that refuses ` +
    `postgres/postgres, so it is neither this engine nor a Supabase stack: ${fix}, or point SUPABASE_DB_URL at it`);
}

function startCluster(): void {
  const result = step(`starting PostgreSQL ${pgMajor} on 127.0.0.1:${port} (data in ${dataDir})`, () =>
    runAsPostgres('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], { allowFailure: true }));
  if (result.status !== 0) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
    throw new Error(`PostgreSQL did not start:\n${result.stdout}${result.stderr}\n${tail}`);
  }
}

/** psql as the engine's superuser over its socket, stopping at the first error. */
function adminPsql(args: string[], quiet = false): void {
  run('psql', ['-h', socketDir, '-p', String(port), '-U', 'supabase_admin', '-d', 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-q', ...args], quiet ? { quiet: true } : undefined);
}

/** Loads the stand-in when it is new or changed since it was last loaded. */
function loadStandin(): void {
  const sql = readFileSync(standinFile, 'utf8');
  const digest = createHash('sha256').update(sql).digest('hex');
  if (existsSync(standinMarker) && readFileSync(standinMarker, 'utf8').trim() === digest) return;
  step('loading the Supabase stand-in (roles, auth, storage, vault, realtime)', () =>
    adminPsql(['-f', standinFile]));
  writeFileSync(standinMarker, `${digest}\n`);
}

/** Realtime's day partitions move with the calendar, so every start makes sure today's exist. */
function refreshRealtimePartitions(): void {
  adminPsql(['-c', 'select realtime.standin_create_partitions()'], true);
}

/** Turns plpgsql_check's profiler on (ALTER SYSTEM) or back to the file's setting (off) on this checkout's engine. */
export function setProfiler(on: boolean): void {
  const change = on ? 'alter system set plpgsql_check.profiler = on' : 'alter system reset plpgsql_check.profiler';
  adminPsql(['-c', change, '-c', 'select pg_reload_conf()'], true);
}

export type EngineKind = 'env' | 'external' | 'local';

/** Ensures a database is reachable and returns its URL: SUPABASE_DB_URL, a running stack, or ours. */
export async function ensureEngine(): Promise<{ url: string; kind: EngineKind }> {
  if (process.env.SUPABASE_DB_URL?.trim()) {
    const url = dbUrl();
    if (!(await canConnect(url))) throw new Error(`SUPABASE_DB_URL is set but does not answer: ${url}`);
    return { url, kind: 'env' };
  }
  const ours = existsSync(join(dataDir, 'PG_VERSION'));
  if (!ours && (await canConnect(defaultUrl))) {
    log(`reusing the database already listening on ${port} (supabase start?)`);
    return { url: defaultUrl, kind: 'external' };
  }
  // Fail fast, before installing anything, when the port is taken by something we cannot use.
  if (!clusterRunning()) await assertPortUsable();
  provision();
  if (!ours) initCluster();
  const settingsChanged = writeSettings();
  if (settingsChanged && clusterRunning()) {
    log('server settings changed: restarting');
    runAsPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  }
  if (!clusterRunning()) startCluster();
  loadStandin();
  refreshRealtimePartitions();
  if (!(await canConnect(defaultUrl))) throw new Error(`the local engine is running but ${defaultUrl} refuses connections`);
  return { url: defaultUrl, kind: 'local' };
}

/** Starts this checkout's cluster when it is down (e.g. after a crash test); the stand-in is already loaded. */
export function startLocalCluster(): void {
  if (!clusterRunning()) startCluster();
  refreshRealtimePartitions();
}

export function stopEngine(): boolean {
  if (!clusterRunning()) return false;
  runAsPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  return true;
}

/** Stops the engine and deletes this checkout's cluster folder. */
export function removeEngine(): boolean {
  stopEngine();
  if (!existsSync(engineDir)) return false;
  rmSync(engineDir, { recursive: true, force: true });
  return true;
}
