// npm run db:bundle: pasting the bundle into an empty project (as Studio's SQL editor would, as postgres)
// gives the same schema as `supabase db reset`, records the migrations exactly as the CLI does, and
// pasting it again changes nothing. The test empties the suite's database with the real CLI (a reset
// with no migrations) and restores it with a normal reset at the end.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyDatabase, resetDatabase } from '../scripts/lib/reset.js';
import { pgEnv, schemaSnapshot } from '../scripts/lib/snapshot.js';
import { DB_URL } from './support/db.js';

const projectRoot = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'agentbase-bundle-'));
const bundle = join(work, 'agentbase.sql');

function migrationRows(): string {
  return execFileSync('psql', ['-X', '-At', '-c',
    `select version, name, to_json(statements) from supabase_migrations.schema_migrations order by version`],
  { env: pgEnv(DB_URL), encoding: 'utf8' });
}

function applyBundle(): void {
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', bundle], { env: pgEnv(DB_URL), stdio: ['ignore', 'ignore', 'pipe'] });
}

let viaCli = '';
let cliRows = '';
beforeAll(() => {
  execFileSync('npx', ['tsx', 'scripts/db-bundle.ts', '--out', bundle], { cwd: projectRoot, stdio: 'ignore' });
  resetDatabase(DB_URL);
  viaCli = schemaSnapshot(DB_URL);
  cliRows = migrationRows();
  emptyDatabase(DB_URL);
}, 120_000);

afterAll(() => {
  resetDatabase(DB_URL);
  rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('the SQL bundle', () => {
  it('starts from an empty project', () => {
    const left = execFileSync('psql', ['-X', '-At', '-c',
      `select count(*) from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r'`],
    { env: pgEnv(DB_URL), encoding: 'utf8' });
    expect(left.trim()).toBe('0');
  });

  it('gives the schema supabase db reset gives', () => {
    applyBundle();
    expect(schemaSnapshot(DB_URL)).toBe(viaCli);
  }, 120_000);

  it('records every migration as the CLI does (version, name, statements)', () => {
    expect(migrationRows()).toBe(cliRows);
  });

  it('changes nothing when pasted a second time', () => {
    applyBundle();
    expect(schemaSnapshot(DB_URL)).toBe(viaCli);
    expect(migrationRows()).toBe(cliRows);
  }, 120_000);
});
