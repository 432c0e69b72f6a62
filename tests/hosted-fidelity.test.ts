// Hosted fidelity: the whole migration set, applied file by file with psql as the non-superuser
// `postgres` role (as hosted Supabase runs them) on an emptied database, twice, leaves the same catalog both
// times, and the same catalog `supabase db reset` leaves. The database is emptied with the CLI's own
// reset from a project folder with no migrations (a scratch database cannot hold pg_cron, which lives only
// in cron.database_name), and restored with a normal reset at the end.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { supabase } from '../scripts/lib/engine.js';
import { resetDatabase } from '../scripts/lib/reset.js';
import { catalogSnapshot, pgEnv } from '../scripts/lib/snapshot.js';
import { DB_URL } from './support/db.js';

const projectRoot = resolve(import.meta.dirname, '..');
const migrationsDir = join(projectRoot, 'supabase', 'migrations');
const work = mkdtempSync(join(tmpdir(), 'agentbase-fidelity-'));

function psql(args: string[]): string {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { env: pgEnv(DB_URL), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function emptyDatabase(): void {
  const empty = join(work, 'empty');
  mkdirSync(join(empty, 'supabase', 'migrations'), { recursive: true });
  copyFileSync(join(projectRoot, 'supabase', 'config.toml'), join(empty, 'supabase', 'config.toml'));
  const wiped = supabase(['db', 'reset', `--remote=${DB_URL}`, '--yes', '--no-seed', '--workdir', empty], { allowFailure: true, quiet: true });
  if (wiped.status !== 0) throw new Error(`could not empty the database: ${wiped.stderr}`);
}

/** Empties the database, applies every migration file in order as postgres, returns the catalog. */
function freshApply(): string {
  emptyDatabase();
  const left = psql(['-At', '-c', `select count(*) from pg_class where relnamespace = 'public'::regnamespace`]).trim();
  expect(left, 'the emptied database has no tables in public').toBe('0');
  for (const file of readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort()) {
    psql(['--single-transaction', '-f', join(migrationsDir, file)]);
  }
  return catalogSnapshot(DB_URL);
}

afterAll(() => {
  resetDatabase(DB_URL);
  rmSync(work, { recursive: true, force: true });
}, 180_000);

describe('the migration set as the non-superuser postgres role', () => {
  let first = '';

  it('runs as a role that is not a superuser (as on hosted Supabase)', () => {
    expect(psql(['-At', '-c', 'select rolsuper from pg_roles where rolname = current_user']).trim()).toBe('f');
  });

  it('applies on an empty database', () => {
    first = freshApply();
    for (const section of ['relations', 'policies', 'functions', 'cron_jobs', 'publication']) {
      expect(first).toMatch(new RegExp(`## ${section}\\n\\S`));
    }
  }, 180_000);

  it('leaves an identical catalog when applied again on an empty database', () => {
    expect(freshApply()).toBe(first);
  }, 180_000);

  it('leaves the catalog supabase db reset leaves', () => {
    resetDatabase(DB_URL);
    expect(catalogSnapshot(DB_URL)).toBe(first);
  }, 180_000);
});
