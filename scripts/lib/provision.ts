// Installs what the local engine needs on Debian/Ubuntu, and only what is missing.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandError, isRoot, log, pgMajor, pgRoot, run, step } from './engine.js';

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

function canSudo(): boolean {
  return run('sudo', ['-n', 'true'], { allowFailure: true, quiet: true }).status === 0;
}

function sudoPrefix(): string[] {
  if (isRoot) return [];
  if (canSudo()) return ['sudo', '-n'];
  throw new CommandError(`Missing system packages and no root access.\n${installHelp}`);
}

/** What the machine offers and lacks, as far as provisioning cares. */
export interface ProvisionFacts {
  isDebian: boolean;
  /** root, or passwordless sudo */
  canEscalate: boolean;
  missingPackages: string[];
  vectorMissing: boolean;
  untrustedExtensions: string[];
}

/**
 * Why provisioning cannot proceed on this machine, or null when it can. Checked before anything is
 * installed, so the user gets the cause and the fix at once instead of a half-done install.
 */
export function provisionBlocker(facts: ProvisionFacts): string | null {
  const needsInstall = facts.missingPackages.length > 0 || facts.vectorMissing;
  const missing = [...facts.missingPackages, ...(facts.vectorMissing ? ['pgvector'] : [])];
  if (needsInstall && !facts.isDebian) {
    return `The local engine is missing ${missing.join(', ')} and this platform has no apt-get to install them.\n${installHelp}`;
  }
  if ((needsInstall || facts.untrustedExtensions.length > 0) && !facts.canEscalate) {
    const what = needsInstall ? `is missing ${missing.join(', ')}` : `needs ${facts.untrustedExtensions.join(', ')} marked trusted`;
    return `The local engine ${what}, which takes root: run the command as root or with passwordless sudo, ` +
      `or install them yourself.\n${installHelp}`;
  }
  return null;
}

function privileged(cmd: string, args: string[], env?: NodeJS.ProcessEnv): void {
  const prefix = sudoPrefix();
  const [bin, ...rest] = [...prefix, cmd, ...args];
  run(bin!, rest, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', ...env } });
}

let aptUpdated = false;
function aptUpdate(): void {
  if (aptUpdated) return;
  step('apt-get update', () => privileged('apt-get', ['update', '-qq']));
  aptUpdated = true;
}

function aptInstall(names: string[]): void {
  aptUpdate();
  step(`apt-get install ${names.join(' ')}`, () =>
    privileged('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...names]));
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
      `Types: deb-src\nURIs: ${debianMirror()}\nSuites: trixie\nComponents: main\n` +
      'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n';
    const tmp = join(mkdtempSync(join(tmpdir(), 'agentbase-')), 'src.sources');
    writeFileSync(tmp, content);
    privileged('cp', [tmp, srcList]);
    aptUpdated = false;
  }
  if (build.length > 0) aptInstall(build);
  else aptUpdate();
  const work = mkdtempSync(join(tmpdir(), 'pgvector-'));
  step('downloading the pgvector source package', () =>
    run('apt-get', ['source', '--download-only', '-qq', 'pgvector'], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] }));
  const tarball = readdirSync(work).find((f) => /^pgvector_.*\.orig\.tar\.gz$/.test(f));
  if (!tarball) throw new CommandError('apt-get source pgvector produced no .orig tarball');
  run('tar', ['xzf', tarball], { cwd: work });
  const srcDir = readdirSync(work).find((f) => f.startsWith('pgvector-'));
  if (!srcDir) throw new CommandError('pgvector source directory not found after unpacking');
  const makeArgs = ['PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config', 'OPTFLAGS='];
  step('building pgvector', () => run('make', ['-j2', ...makeArgs], { cwd: join(work, srcDir), stdio: ['ignore', 'ignore', 'pipe'] }));
  const prefix = sudoPrefix();
  const [bin, ...rest] = [...prefix, 'make', 'install', ...makeArgs];
  run(bin!, rest, { cwd: join(work, srcDir), stdio: ['ignore', 'ignore', 'pipe'] });
  rmSync(work, { recursive: true, force: true });
}

/** The Debian mirror this machine's apt already uses (so a local or pinned mirror is honoured). */
export function debianMirror(): string {
  const fromEnv = process.env.AGENTBASE_DEBIAN_MIRROR?.trim();
  if (fromEnv) return fromEnv;
  const candidates: string[] = [];
  const dir = '/etc/apt/sources.list.d';
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.sources')).map((f) => join(dir, f)) : [];
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/^URIs:\s*(\S+)/gm)) candidates.push(m[1]!);
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const m of readFileSync('/etc/apt/sources.list', 'utf8').matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/gm)) candidates.push(m[1]!);
  }
  const mirror = candidates.find((uri) => /\/debian\/?$/.test(uri));
  if (!mirror) {
    throw new CommandError('No Debian mirror found in /etc/apt/sources.list(.d): set AGENTBASE_DEBIAN_MIRROR to one (its /debian URL).');
  }
  return mirror.replace(/\/$/, '');
}

function markTrusted(extensionDir: string): void {
  for (const ext of privilegedExtensions) {
    const control = join(extensionDir, `${ext}.control`);
    const text = readFileSync(control, 'utf8');
    if (/^\s*trusted\s*=\s*true/m.test(text)) continue;
    log(`marking ${ext} trusted (as supautils allows on hosted Supabase)`);
    if (isRoot) appendFileSync(control, '\ntrusted = true\n');
    else run('sh', ['-c', `echo 'trusted = true' | sudo -n tee -a ${control} >/dev/null`]);
  }
}

function untrustedExtensions(extensionDir: string): string[] {
  return privilegedExtensions.filter((ext) => {
    const control = join(extensionDir, `${ext}.control`);
    return existsSync(control) && !/^\s*trusted\s*=\s*true/m.test(readFileSync(control, 'utf8'));
  });
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

function installVaultMarker(extensionDir: string): void {
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
  const missingPackages = Object.entries(packages)
    .filter(([, proof]) => !existsSync(proof))
    .map(([name]) => name);
  const vectorMissing = !existsSync(join(extensionDir, 'vector.control'));
  if (pgRoot) {
    provisionPg17(pgRoot);
    return;
  }
  const untrusted = untrustedExtensions(extensionDir);
  if (missingPackages.length === 0 && !vectorMissing && untrusted.length === 0) {
    installVaultMarker(extensionDir);
    return;
  }
  const blocker = provisionBlocker({
    isDebian: existsSync('/etc/debian_version') && existsSync('/usr/bin/apt-get'),
    canEscalate: isRoot || canSudo(),
    missingPackages,
    vectorMissing,
    untrustedExtensions: untrusted,
  });
  if (blocker) throw new CommandError(blocker);
  if (missingPackages.length > 0) aptInstall(missingPackages);
  if (vectorMissing) installPgvector();
  markTrusted(extensionDir);
  installVaultMarker(extensionDir);
}

const pg17Packages = ['postgresql-17', 'postgresql-17-pgvector', 'postgresql-17-pgtap', 'postgresql-17-cron',
  'postgresql-17-plpgsql-check'];

/**
 * PostgreSQL 17 with pgvector, pgTAP, pg_cron and plpgsql_check as Debian trixie binary packages, inside a
 * minimal trixie root (debootstrap): installing trixie's server on bookworm itself would upgrade libc.
 * The host keeps its own psql and pg_prove, which talk to the server over 127.0.0.1.
 */
function provisionPg17(root: string): void {
  const extDir = join(root, 'usr', 'share', 'postgresql', String(pgMajor), 'extension');
  const ready = existsSync(join(root, 'usr', 'lib', 'postgresql', String(pgMajor), 'bin', 'postgres')) &&
    ['vector', 'pgtap', 'pg_cron', 'plpgsql_check'].every((ext) => existsSync(join(extDir, `${ext}.control`)));
  const hostMissing = ['/usr/bin/psql', '/usr/bin/pg_prove'].filter((f) => !existsSync(f));
  if (ready && hostMissing.length === 0) {
    if (untrustedExtensions(extDir).length > 0) markTrusted(extDir);
    installVaultMarker(extDir);
    return;
  }
  if (!isRoot) {
    throw new CommandError('PostgreSQL 17 runs inside a Debian trixie root made with debootstrap and chroot, which take root: ' +
      'run as root, or use PostgreSQL 15 (unset AGENTBASE_PG_MAJOR), or point SUPABASE_DB_URL at a PostgreSQL 17 Supabase database.');
  }
  if (!existsSync('/usr/bin/apt-get')) throw new CommandError(`PostgreSQL 17 needs apt-get and debootstrap.\n${installHelp}`);
  const hostPackages = [
    ...(existsSync('/usr/sbin/debootstrap') ? [] : ['debootstrap']),
    ...(existsSync('/usr/bin/psql') ? [] : ['postgresql-client-15']),
    ...(existsSync('/usr/bin/pg_prove') ? [] : ['libtap-parser-sourcehandler-pgtap-perl']),
  ];
  if (hostPackages.length > 0) aptInstall(hostPackages);
  if (!ready) {
    if (!existsSync(join(root, 'etc', 'debian_version'))) {
      step(`debootstrap --variant=minbase trixie ${root}`, () =>
        run('debootstrap', ['--variant=minbase', 'trixie', root, debianMirror()], { stdio: ['ignore', 'ignore', 'pipe'] }));
    }
    // apt inside the root needs /proc; mounted only for the install and always unmounted again.
    run('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
      step(`installing ${pg17Packages.join(' ')} inside ${root}`, () => {
        run('chroot', [root, 'apt-get', 'update', '-qq'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
        run('chroot', [root, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...pg17Packages],
          { env, stdio: ['ignore', 'ignore', 'pipe'] });
      });
    } finally {
      run('umount', [join(root, 'proc')], { allowFailure: true });
    }
  }
  markTrusted(extDir);
  installVaultMarker(extDir);
}
