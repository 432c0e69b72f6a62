// The private cluster: create, start, stop, and load the Supabase stand-in.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  canConnect,
  clusterRunning,
  dataDir,
  dbUrl,
  defaultUrl,
  engineDir,
  isRoot,
  log,
  logFile,
  port,
  projectRoot,
  run,
  runAsPostgres,
  socketDir,
  pgBin,
} from './engine.js';
import { provision } from './provision.js';

const standinFile = join(projectRoot, 'scripts', 'engine', 'standin.sql');
const standinMarker = join(engineDir, 'standin.sha256');

const serverSettings = `
# agentbase local engine (scripts/lib/cluster.ts)
listen_addresses = '127.0.0.1'
port = ${port}
unix_socket_directories = '${socketDir}'
shared_preload_libraries = 'pg_cron, pg_stat_statements'
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
  mkdirSync(socketDir, { recursive: true });
  const pwfile = join(engineDir, 'pwfile');
  writeFileSync(pwfile, 'postgres\n');
  if (isRoot) run('chown', ['-R', 'postgres:postgres', engineDir]);
  log(`initdb ${dataDir}`);
  runAsPostgres('initdb', [
    '-D', dataDir,
    '-U', 'supabase_admin',
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    `--pwfile=${pwfile}`,
    '-E', 'UTF8',
    '--locale=C.UTF-8',
  ]);
  rmSync(pwfile);
  appendFileSync(join(dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'agentbase.conf'\n");
}

const settingsFile = join(dataDir, 'agentbase.conf');

/** Writes the engine's server settings; true when they changed (a running server must restart). */
function writeSettings(): boolean {
  if (existsSync(settingsFile) && readFileSync(settingsFile, 'utf8') === serverSettings) return false;
  writeFileSync(settingsFile, serverSettings);
  if (isRoot) run('chown', ['postgres:postgres', settingsFile]);
  return true;
}

function startCluster(): void {
  log(`starting PostgreSQL 15 on 127.0.0.1:${port}`);
  const result = runAsPostgres('pg_ctl', ['-D', dataDir, '-l', logFile, '-w', '-t', '60', 'start'], { allowFailure: true });
  if (result.status !== 0) {
    const tail = existsSync(logFile) ? readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n') : '';
    throw new Error(`PostgreSQL did not start:\n${result.stdout}${result.stderr}\n${tail}`);
  }
}

/** Loads the stand-in when it is new or changed since it was last loaded. */
function loadStandin(): void {
  const sql = readFileSync(standinFile, 'utf8');
  const digest = createHash('sha256').update(sql).digest('hex');
  if (existsSync(standinMarker) && readFileSync(standinMarker, 'utf8').trim() === digest) return;
  log('loading the Supabase stand-in (roles, auth, storage, vault, realtime)');
  run(join(pgBin, 'psql'), ['-h', socketDir, '-p', String(port), '-U', 'supabase_admin', '-d', 'postgres',
    '-v', 'ON_ERROR_STOP=1', '-q', '-f', standinFile]);
  writeFileSync(standinMarker, `${digest}\n`);
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
  provision();
  if (!ours) initCluster();
  const settingsChanged = writeSettings();
  if (settingsChanged && clusterRunning()) {
    log('server settings changed: restarting');
    runAsPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  }
  if (!clusterRunning()) startCluster();
  loadStandin();
  if (!(await canConnect(defaultUrl))) throw new Error(`the local engine is running but ${defaultUrl} refuses connections`);
  return { url: defaultUrl, kind: 'local' };
}

export function stopEngine(): boolean {
  if (!clusterRunning()) return false;
  runAsPostgres('pg_ctl', ['-D', dataDir, '-m', 'fast', '-w', 'stop']);
  return true;
}
