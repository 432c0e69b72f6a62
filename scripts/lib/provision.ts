// Installs what the local engine needs on Debian/Ubuntu, and only what is missing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, isRoot, log, run } from './engine.js';

const extensionDir = '/usr/share/postgresql/15/extension';

/** Debian packages the engine needs, keyed by the file that proves each is installed. */
const packages: Record<string, string> = {
  'postgresql-15': '/usr/lib/postgresql/15/bin/postgres',
  'postgresql-client-15': '/usr/lib/postgresql/15/bin/psql',
  'postgresql-15-pgtap': `${extensionDir}/pgtap.control`,
  'postgresql-15-cron': `${extensionDir}/pg_cron.control`,
  'postgresql-15-plpgsql-check': `${extensionDir}/plpgsql_check.control`,
  'libtap-parser-sourcehandler-pgtap-perl': '/usr/bin/pg_prove',
};

// Extensions postgres may create and drop on hosted Supabase (supautils' privileged_extensions). A plain
// cluster only allows that for trusted extensions, so the engine marks these trusted.
const privilegedExtensions = ['vector', 'pg_cron', 'plpgsql_check', 'pg_stat_statements'];

export const installHelp = `The local engine needs, on Debian bookworm or Ubuntu (root or passwordless sudo):
  apt-get install postgresql-15 postgresql-client-15 postgresql-15-pgtap postgresql-15-cron \\
    postgresql-15-plpgsql-check libtap-parser-sourcehandler-pgtap-perl postgresql-15-pgvector
  (where postgresql-15-pgvector is not packaged: build pgvector 0.8 against postgresql-server-dev-15)
and "trusted = true" in the control files of ${privilegedExtensions.join(', ')} under ${extensionDir}.
Alternatively run Supabase's own stack (supabase start) or set SUPABASE_DB_URL to a Supabase database.`;

function sudoPrefix(): string[] {
  if (isRoot) return [];
  if (run('sudo', ['-n', 'true'], { allowFailure: true, quiet: true }).status === 0) return ['sudo', '-n'];
  throw new CommandError(`Missing system packages and no root access.\n${installHelp}`);
}

function privileged(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const prefix = sudoPrefix();
  const [bin, ...rest] = [...prefix, cmd, ...args];
  run(bin!, rest, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env } });
}

let aptUpdated = false;
function aptUpdate(): void {
  if (aptUpdated) return;
  log('apt-get update');
  privileged('apt-get', ['update', '-qq']);
  aptUpdated = true;
}

function aptInstall(names: string[]): void {
  aptUpdate();
  log(`apt-get install ${names.join(' ')}`);
  privileged('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names]);
}

function aptHasCandidate(name: string): boolean {
  const out = run('apt-cache', ['policy', name], { allowFailure: true }).stdout;
  const candidate = /Candidate:\s*(\S+)/.exec(out)?.[1];
  return candidate !== undefined && candidate !== '(none)';
}

/** pgvector: the binary package where the platform has one, else Debian trixie's source package built here. */
function installPgvector(): void {
  aptUpdate();
  if (aptHasCandidate('postgresql-15-pgvector')) {
    aptInstall(['postgresql-15-pgvector']);
    return;
  }
  const build = ['postgresql-server-dev-15', 'make', 'gcc', 'dpkg-dev'].filter(
    (name) => run('dpkg-query', ['-W', '-f=${Status}', name], { allowFailure: true }).stdout.indexOf('install ok installed') < 0,
  );
  const srcList = '/etc/apt/sources.list.d/agentbase-trixie-src.sources';
  if (!existsSync(srcList)) {
    log('adding a deb-src entry for Debian trixie (pgvector source only)');
    const content =
      'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: trixie\nComponents: main\n' +
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
    const tmp = join(mkdtempSync(join(tmpdir(), 'agentbase-')), 'src.sources');
    writeFileSync(tmp, content);
    privileged('cp', [tmp, srcList]);
    aptUpdated = false;
  }
  if (build.length > 0) aptInstall(build);
  else aptUpdate();
  const work = mkdtempSync(join(tmpdir(), 'pgvector-'));
  log('building pgvector from Debian source');
  run('apt-get', ['source', '--download-only', '-qq', 'pgvector'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  const tarball = readdirSync(work).find((f) => /^pgvector_.*\.orig\.tar\.gz$/.test(f));
  if (!tarball) throw new CommandError('apt-get source pgvector produced no .orig tarball');
  run('tar', ['xzf', tarball], { cwd: work });
  const srcDir = readdirSync(work).find((f) => f.startsWith('pgvector-'));
  if (!srcDir) throw new CommandError('pgvector source directory not found after unpacking');
  const makeArgs = ['PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config', 'OPTFLAGS='];
  run('make', ['-j2', ...makeArgs], { cwd: join(work, srcDir), stdio: ['ignore', 'ignore', 'pipe'] });
  const prefix = sudoPrefix();
  const [bin, ...rest] = [...prefix, 'make', 'install', ...makeArgs];
  run(bin!, rest, { cwd: join(work, srcDir), stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(work, { recursive: true, force: true });
}

function markTrusted(): void {
  for (const ext of privilegedExtensions) {
    const control = join(extensionDir, `${ext}.control`);
    const text = readFileSync(control, 'utf8');
    if (/^\s*trusted\s*=\s*true/m.test(text)) continue;
    log(`marking ${ext} trusted (as supautils allows on hosted Supabase)`);
    if (isRoot) appendFileSync(control, '\ntrusted = true\n');
    else run('sh', ['-c', `echo 'trusted = true' | sudo -n tee -a ${control} >/dev/null`]);
  }
}

// Hosted projects list `supabase_vault` in pg_extension. Its real package (pgsodium-based) is not available
// here, so the engine installs an extension of that name with no objects: the row exists, and
// `create extension if not exists supabase_vault` in a migration is a no-op as on hosted. The Vault
// functions themselves are the stand-in's (scripts/engine/standin.sql).
const vaultVersion = '0.3.1';
const vaultFiles: Record<string, string> = {
  'supabase_vault.control':
    "comment = 'Supabase Vault Extension (agentbase engine: marker only, objects come from the stand-in)'\n" +
    `default_version = '${vaultVersion}'\nrelocatable = false\nschema = vault\nsuperuser = true\n`,
  [`supabase_vault--${vaultVersion}.sql`]:
    '-- agentbase engine: intentionally empty; the Vault interface is created by scripts/engine/standin.sql\n',
};

function installVaultMarker(): void {
  for (const [name, content] of Object.entries(vaultFiles)) {
    const path = join(extensionDir, name);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    log(`installing ${name} (the supabase_vault extension row)`);
    if (isRoot) writeFileSync(path, content);
    else {
      const tmp = join(mkdtempSync(join(tmpdir(), 'agentbase-')), name);
      writeFileSync(tmp, content);
      run('sudo', ['-n', 'cp', tmp, path]);
    }
  }
}

/** Makes sure every system piece is present. Fast when nothing is missing. */
export function provision(): void {
  const isDebian = existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get');
  const missing = Object.entries(packages)
    .filter(([, proof]) => !existsSync(proof))
    .map(([name]) => name);
  const vectorMissing = !existsSync(join(extensionDir, 'vector.control'));
  if ((missing.length > 0 || vectorMissing) && !isDebian) {
    throw new CommandError(`This platform cannot be provisioned automatically.\n${installHelp}`);
  }
  if (missing.length > 0) aptInstall(missing);
  if (vectorMissing) installPgvector();
  markTrusted();
  installVaultMarker();
}
