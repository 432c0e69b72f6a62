// npm run db:status -- --db-url <url>: a target that is up to date passes; one that is behind lists the
// migrations it lacks and the tables/RPCs they would create, and exits non-zero.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localMigrations } from '../scripts/lib/migrations.js';
import { connect, DB_URL } from './support/db.js';

const projectRoot = resolve(import.meta.dirname, '..');
const scratch = 'agentbase_status_probe';
const scratchUrl = (() => {
  const u = new URL(DB_URL);
  u.pathname = `/${scratch}`;
  return u.toString();
})();

function status(url: string) {
  const result = spawnSync('npx', ['tsx', 'scripts/db-status.ts', '--db-url', url], { cwd: projectRoot, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

let admin: pg.Client;
beforeAll(async () => {
  admin = await connect('agentbase-tests');
  await admin.query(`drop database if exists ${scratch}`);
  await admin.query(`create database ${scratch}`);
  // A target that got only the first two migrations' bookkeeping and none of their objects.
  const client = new pg.Client({ connectionString: scratchUrl });
  await client.connect();
  await client.query('create schema supabase_migrations');
  await client.query('create table supabase_migrations.schema_migrations (version text primary key, statements text[], name text)');
  for (const m of localMigrations().slice(0, 2)) {
    await client.query('insert into supabase_migrations.schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
  }
  await client.query(`insert into supabase_migrations.schema_migrations (version, name) values ('19990101000000', 'elsewhere')`);
  await client.end();
});
afterAll(async () => {
  await admin.query(`drop database if exists ${scratch} with (force)`);
  await admin.end();
});

describe('npm run db:status -- --db-url', () => {
  it('passes for the database the suite reset, with every migration and object present', () => {
    const result = status(DB_URL);
    expect(result.output).toMatch(new RegExp(`migrations:\\s+${localMigrations().length} applied, ${localMigrations().length} here, 0 not applied`));
    expect(result.output).toMatch(/objects:\s+(\d+) of \1 expected tables and RPCs present/);
    expect(result.output).not.toContain('postgres:postgres@');
    expect(result.status).toBe(0);
  });

  it('lists what a target that is behind lacks, and fails', () => {
    const result = status(scratchUrl);
    const behind = localMigrations().slice(2);
    expect(result.output).toContain(`${behind.length} not applied`);
    for (const m of behind) expect(result.output).toContain(`not applied: ${m.file}`);
    expect(result.output).toContain('applied there but not in this checkout: 19990101000000');
    expect(result.output).toContain('missing table: public.workspaces');
    expect(result.output).toContain('missing function: public.lease_command');
    expect(result.status).toBe(1);
  });

  it('fails on an unreachable target', () => {
    const u = new URL(DB_URL);
    u.port = '1';
    const result = status(u.toString());
    expect(result.output).toMatch(/reachable:\s+no/);
    expect(result.status).toBe(1);
  });
});
