// The local engine must look like hosted Supabase to migrations: these are the facts they rely on.
import { execFileSync } from 'node:child_process';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DB_URL } from './support/db.js';

let client: pg.Client;
beforeAll(async () => {
  client = await connect('agentbase-tests');
});
afterAll(() => client.end());

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => (await client.query(sql, params)).rows[0] as T;

describe('stand-in roles', () => {
  it('connects as postgres, demoted as on hosted Supabase', async () => {
    const r = await one<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; user: string }>(
      `select rolsuper, rolbypassrls, rolcreaterole, current_user as user from pg_roles where rolname = current_user`);
    expect(r).toEqual({ rolsuper: false, rolbypassrls: true, rolcreaterole: true, user: 'postgres' });
  });

  it('gives only service_role BYPASSRLS among the API roles', async () => {
    const { rows } = await client.query(
      `select rolname, rolbypassrls from pg_roles where rolname in ('anon','authenticated','service_role') order by rolname`);
    expect(rows).toEqual([
      { rolname: 'anon', rolbypassrls: false },
      { rolname: 'authenticated', rolbypassrls: false },
      { rolname: 'service_role', rolbypassrls: true },
    ]);
  });

  it('makes postgres a member of the API roles so it can act as them', async () => {
    const { rows } = await client.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
       join pg_roles u on u.oid = m.member where u.rolname = 'postgres'
       and r.rolname in ('anon','authenticated','service_role') order by 1`);
    expect(rows.map((r) => r.rolname)).toEqual(['anon', 'authenticated', 'service_role']);
  });

  it('does not make postgres a member of the service owners (hosted revoked it)', async () => {
    const { rows } = await client.query(
      `select r.rolname from pg_auth_members m join pg_roles r on r.oid = m.roleid
       join pg_roles u on u.oid = m.member where u.rolname = 'postgres'
       and r.rolname in ('supabase_admin','supabase_auth_admin','supabase_storage_admin','supabase_realtime_admin')`);
    expect(rows).toEqual([]);
  });
});

describe('stand-in schemas', () => {
  it('keeps Supabase-owned schemas out of reach of db reset (owned by supabase_admin)', async () => {
    const { rows } = await client.query(
      `select nspname, nspowner::regrole::text as owner from pg_namespace
       where nspname in ('auth','storage','vault') order by 1`);
    expect(rows).toEqual([
      { nspname: 'auth', owner: 'supabase_admin' },
      { nspname: 'storage', owner: 'supabase_admin' },
      { nspname: 'vault', owner: 'supabase_admin' },
    ]);
  });

  it('owns auth.users by supabase_auth_admin, as GoTrue does', async () => {
    const r = await one<{ owner: string }>(`select relowner::regrole::text as owner from pg_class where oid = 'auth.users'::regclass`);
    expect(r.owner).toBe('supabase_auth_admin');
  });

  it('reads auth.uid() and auth.role() from the claims PostgREST sets', async () => {
    await client.query('begin');
    try {
      await client.query(`select set_config('request.jwt.claims', $1, true)`,
        [JSON.stringify({ sub: '6f1c1f64-59a4-4b6f-9d39-6f7b0c3e1a11', role: 'authenticated' })]);
      const r = await one<{ uid: string; role: string }>('select auth.uid()::text as uid, auth.role() as role');
      expect(r).toEqual({ uid: '6f1c1f64-59a4-4b6f-9d39-6f7b0c3e1a11', role: 'authenticated' });
    } finally {
      await client.query('rollback');
    }
  });

  it('has the realtime publication, owned by postgres so migrations can add tables', async () => {
    const r = await one<{ owner: string }>(`select pubowner::regrole::text as owner from pg_publication where pubname = 'supabase_realtime'`);
    expect(r?.owner).toBe('postgres');
  });

  it('tells the advisors which schemas the Data API exposes', async () => {
    const r = await one<{ schemas: string }>(`select current_setting('pgrst.db_schemas', true) as schemas`);
    expect(r.schemas.split(',').map((s) => s.trim())).toEqual(['public', 'graphql_public']);
  });

  it('encrypts vault secrets at rest and decrypts them through the view', async () => {
    await client.query('begin');
    try {
      const { id } = await one<{ id: string }>(`select vault.create_secret('s3cr3t-value', 'engine-test') as id`);
      const stored = await one<{ secret: string; decrypted_secret: string }>(
        'select secret, decrypted_secret from vault.decrypted_secrets where id = $1', [id]);
      expect(stored.decrypted_secret).toBe('s3cr3t-value');
      expect(stored.secret).not.toContain('s3cr3t-value');
    } finally {
      await client.query('rollback');
    }
  });
});

describe('hosted strictness imitation', () => {
  it('refuses owner-only DDL on Supabase tables with 42501', async () => {
    await client.query('begin');
    try {
      await expect(client.query('comment on table storage.objects is $$x$$')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('rollback');
    }
  });

  it('lends owner rights for one policy statement only', async () => {
    await client.query('begin');
    try {
      await client.query(`create policy engine_probe on storage.objects for select to authenticated using (false)`);
      const r = await one<{ member: boolean }>(`select pg_has_role('postgres', 'supabase_storage_admin', 'member') as member`);
      expect(r.member).toBe(false);
      await expect(client.query(`alter table storage.objects add column engine_probe int`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.query('rollback');
    }
  });

  it('has the supabase_vault extension row', async () => {
    const r = await one<{ n: number }>(`select count(*)::int as n from pg_extension where extname = 'supabase_vault'`);
    expect(r.n).toBe(1);
  });
});

describe('extensions created by migrations', () => {
  it('puts vector in extensions and pg_cron in pg_catalog, pg_cron owned by supabase_admin as on hosted', async () => {
    const { rows } = await client.query(
      `select extname, extnamespace::regnamespace::text as schema, extowner::regrole::text as owner
       from pg_extension where extname in ('vector','pg_cron') order by 1`);
    expect(rows).toEqual([
      { extname: 'pg_cron', schema: 'pg_catalog', owner: 'supabase_admin' },
      { extname: 'vector', schema: 'extensions', owner: 'postgres' },
    ]);
  });
});

describe('npm run db:status', () => {
  it('reports the database as reachable with the applied migrations', () => {
    const out = execFileSync('npx', ['tsx', 'scripts/db-status.ts'], { encoding: 'utf8', env: { ...process.env, SUPABASE_DB_URL: DB_URL } });
    expect(out).toMatch(/reachable:\s+yes/);
    expect(out).toMatch(/migrations:\s+[1-9]\d* applied/);
  });
});
