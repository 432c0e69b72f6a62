// Hosted fidelity: the whole migration set, applied file by file with psql as the non-superuser
// `postgres` role (as hosted Supabase runs them) on an emptied database, twice, leaves the same catalog both
// times, and the same catalog `supabase db reset` leaves. The database is emptied with the CLI's own
// reset from a project folder with no migrations (a scratch database cannot hold pg_cron, which lives only
// in cron.database_name), and restored with a normal reset at the end.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyDatabase, resetDatabase } from '../scripts/lib/reset.js';
import { catalogSnapshot, pgEnv } from '../scripts/lib/snapshot.js';
import { DB_URL } from './support/db.js';

const projectRoot = resolve(import.meta.dirname, '..');
const migrationsDir = join(projectRoot, 'supabase', 'migrations');

function psql(args: string[]): string {
  return execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { env: pgEnv(DB_URL), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Empties the database, applies every migration file in order as postgres, returns the catalog. */
async function freshApply(): Promise<string> {
  emptyDatabase(DB_URL);
  const left = psql(['-At', '-c', `select count(*) from pg_class where relnamespace = 'public'::regnamespace`]).trim();
  expect(left, 'the emptied database has no tables in public').toBe('0');
  for (const file of readdirSync(migrationsDir).filter((f) => /^\d+_.*\.sql$/.test(f)).sort()) {
    psql(['--single-transaction', '-f', join(migrationsDir, file)]);
  }
  return catalogSnapshot(DB_URL);
}

afterAll(() => {
  resetDatabase(DB_URL);
}, 180_000);

describe('the migration set as the non-superuser postgres role', () => {
  let first = '';

  it('runs as a role that is not a superuser (as on hosted Supabase)', () => {
    expect(psql(['-At', '-c', 'select rolsuper from pg_roles where rolname = current_user']).trim()).toBe('f');
  });

  it('applies on an empty database', async () => {
    first = await freshApply();
    for (const section of ['tables', 'policies', 'functions', 'cron_jobs', 'publications']) {
      expect(first).toMatch(new RegExp(`## ${section}\\n\\S`));
    }
  }, 180_000);

  it('leaves an identical catalog when applied again on an empty database', async () => {
    expect(await freshApply()).toBe(first);
  }, 180_000);

  it('leaves the catalog supabase db reset leaves', async () => {
    resetDatabase(DB_URL);
    expect(await catalogSnapshot(DB_URL)).toBe(first);
  }, 180_000);
});
