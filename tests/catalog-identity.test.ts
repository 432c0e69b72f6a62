// The reorganised foundation migrations (20261122*) define exactly the catalog of the set they replaced
// (commit e457e8d), apart from the renames and body changes listed below. Both sets are built in two
// scratch databases on the same engine and compared with the catalog snapshot of scripts/lib/catalog.ts.
// Only 20261122* files take part, so later domain migrations never disturb the comparison.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { type CatalogSnapshot, diffSnapshots, normalizeBody, normalizeFunctionBodies, snapshotCatalog } from '../scripts/lib/catalog.js';
import { port, projectRoot, socketDir } from '../scripts/lib/engine.js';
import { DB_URL } from './support/db.js';

/** The last commit with the original layout of the foundation migrations. */
const baseline = 'e457e8d';
const setPattern = /^20261122\d+_.*\.sql$/;

/** Renames asked for by the reorganisation: policies `<table>_<op>`, updated_at triggers `<table>_set_updated_at`. */
const policyRenames: Record<string, string> = {
  'public.agent_commands agent_commands_select_members': 'agent_commands_select',
  'public.agent_command_events agent_command_events_select_members': 'agent_command_events_select',
  'public.agent_inbox_items agent_inbox_items_select_members': 'agent_inbox_items_select',
  'public.agent_inbox_events agent_inbox_events_select_members': 'agent_inbox_events_select',
};
const triggerRenames: Record<string, string> = Object.fromEntries(
  ['profiles', 'organizations', 'workspaces', 'workspace_members', 'projects', 'invites'].map((t) => [
    `public.${t} set_updated_at`,
    `${t}_set_updated_at`,
  ]),
);
/**
 * Functions whose only change is a dropped `if not private.is_trusted_caller() then ... end if;` around
 * private.assert_workspace_role, which already lets trusted callers through.
 */
const unwrappedTrustedCallerChecks = [
  'private.enqueue_command(',
  'private.lease_command(',
  'private.lock_command_for_call(',
  'private.enqueue_inbox_item(',
  'private.lease_inbox_item(',
  'private.lock_inbox_item_for_call(',
];

const git = (args: string[]): string => {
  const r = spawnSync('git', args, { cwd: projectRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};

function baselineFiles(): { name: string; sql: string }[] {
  return git(['ls-tree', '--name-only', baseline, 'supabase/migrations/'])
    .split('\n')
    .map((p) => p.trim().split('/').pop() ?? '')
    .filter((f) => setPattern.test(f))
    .sort()
    .map((name) => ({ name, sql: git(['show', `${baseline}:supabase/migrations/${name}`]) }));
}

function currentFiles(): { name: string; sql: string }[] {
  const dir = join(projectRoot, 'supabase', 'migrations');
  return readdirSync(dir)
    .filter((f) => setPattern.test(f))
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(dir, name), 'utf8') }));
}

/** Why the scratch databases cannot be built here, or null when they can. */
function skipReason(): string | null {
  const url = new URL(DB_URL);
  if (!['127.0.0.1', 'localhost'].includes(url.hostname) || Number(url.port || 5432) !== port) {
    return `SUPABASE_DB_URL (${url.host}) is not this checkout's local engine on port ${port}: scratch databases need its superuser socket`;
  }
  if (!existsSync(socketDir)) return `no local engine socket directory at ${socketDir}`;
  if (!git(['cat-file', '-t', baseline]).includes('commit')) return `baseline commit ${baseline} is not in this clone`;
  return null;
}
const reason = (() => {
  try {
    return skipReason();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
})();

function psql(args: string[], input?: string): void {
  const r = spawnSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { encoding: 'utf8', input });
  if (r.status !== 0) throw new Error(`psql ${args.join(' ')} failed: ${r.stderr.split('\n').slice(-5).join(' ')}`);
}

const scratchUrl = (db: string): string => {
  const url = new URL(DB_URL);
  url.pathname = `/${db}`;
  return url.toString();
};

// pg_cron lives only in the engine's main database; a scratch database gets a minimal cron.job table
// and cron.schedule(name, schedule, command) with the same upsert-by-name behaviour instead.
const cronStub = `
create schema if not exists cron;
create table if not exists cron.job (jobid bigserial primary key, schedule text not null, command text not null,
  jobname text unique, active boolean not null default true);
create or replace function cron.schedule(job_name text, schedule text, command text) returns bigint
language sql security definer set search_path = '' as $$
  insert into cron.job (jobname, schedule, command) values (job_name, schedule, command)
  on conflict (jobname) do update set schedule = excluded.schedule, command = excluded.command
  returning cron.job.jobid
$$;
grant usage on schema cron to postgres;
grant select on cron.job to postgres;
grant execute on function cron.schedule(text, text, text) to postgres;
`;

async function build(db: string, files: { name: string; sql: string }[]): Promise<CatalogSnapshot> {
  const admin = new pg.Client({ connectionString: DB_URL });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${db} with (force)`);
    await admin.query(`create database ${db}`);
  } finally {
    await admin.end();
  }
  const superuser = ['-h', socketDir, '-p', String(port), '-U', 'supabase_admin', '-d', db];
  psql([...superuser, '-f', join(projectRoot, 'scripts', 'engine', 'standin.sql')]);
  psql([...superuser], cronStub);
  for (const file of files) {
    const sql = file.sql.replace(/^create extension if not exists pg_cron .*$/m, '-- pg_cron: stubbed in scratch databases');
    psql(['-d', scratchUrl(db), '--single-transaction'], sql);
  }
  const client = new pg.Client({ connectionString: scratchUrl(db) });
  await client.connect();
  try {
    return await snapshotCatalog(client);
  } finally {
    await client.end();
  }
}

/** The baseline snapshot with the listed renames and body changes applied. */
function expectedFrom(old: CatalogSnapshot): CatalogSnapshot {
  const renamed: CatalogSnapshot = { ...old };
  renamed.policies = old.policies!.map((row) => {
    for (const [key, to] of Object.entries(policyRenames)) {
      if (row.startsWith(`${key} `)) return `${key.split(' ')[0]} ${to}${row.slice(key.length)}`;
    }
    return row;
  }).sort();
  renamed.triggers = old.triggers!.map((row) => {
    for (const [key, to] of Object.entries(triggerRenames)) {
      const [table, from] = key.split(' ') as [string, string];
      if (row.startsWith(`${key} `)) {
        return `${table} ${to}${row.slice(key.length)}`.replace(`CREATE TRIGGER ${from} `, `CREATE TRIGGER ${to} `);
      }
    }
    return row;
  }).sort();
  renamed.functions = normalizeFunctionBodies(old.functions!).map((row) => {
    if (!unwrappedTrustedCallerChecks.some((f) => row.startsWith(f))) return row;
    const unwrapped = row.replace(
      /if not private\.is_trusted_caller\(\) then (perform private\.assert_workspace_role\([^;]*\);) end if;/g,
      '$1',
    );
    return unwrapped;
  }).sort();
  return renamed;
}

const dbs = [`agentbase_catalog_old_${process.pid}`, `agentbase_catalog_new_${process.pid}`];

afterAll(async () => {
  if (reason) return;
  const admin = new pg.Client({ connectionString: DB_URL });
  await admin.connect();
  for (const db of dbs) await admin.query(`drop database if exists ${db} with (force)`);
  await admin.end();
});

describe.skipIf(reason !== null)(`catalog identity of the 20261122 migrations against ${baseline}`, () => {
  it('builds the same catalog apart from the listed renames and unwrapped trusted-caller checks', async () => {
    const old = await build(dbs[0]!, baselineFiles());
    const fresh = await build(dbs[1]!, currentFiles());
    // Sanity: the snapshot sees what the migrations made.
    expect(old.tables!.length).toBeGreaterThan(10);
    expect(old.cron_jobs!.some((r) => r.startsWith('agentbase-queue-sweeper '))).toBe(true);

    const expected = expectedFrom(old);
    const actual = { ...fresh, functions: normalizeFunctionBodies(fresh.functions!) };
    // Every rename and body change listed here really happened (a stale list fails too).
    for (const [key, to] of Object.entries(policyRenames)) {
      expect(fresh.policies!.some((r) => r.startsWith(`${key.split(' ')[0]} ${to} `)), to).toBe(true);
    }
    for (const [key, to] of Object.entries(triggerRenames)) {
      expect(fresh.triggers!.some((r) => r.startsWith(`${key.split(' ')[0]} ${to} `)), to).toBe(true);
    }
    for (const f of unwrappedTrustedCallerChecks) {
      const body = actual.functions.find((r) => r.startsWith(f));
      expect(body, f).toBeDefined();
      expect(body, f).not.toContain('is_trusted_caller');
      expect(normalizeFunctionBodies(old.functions!).find((r) => r.startsWith(f)), f).toContain('is_trusted_caller');
    }
    expect(diffSnapshots(expected, actual, ['comments'])).toEqual([]);
    // Comments may only be added, never lost.
    expect(old.comments!.filter((c) => !fresh.comments!.includes(c))).toEqual([]);
  });

  it('normalizes bodies by comments and layout only', () => {
    expect(normalizeBody('begin\n  -- why\n  return  1;\nend')).toBe('begin return 1; end');
    expect(normalizeBody("select '--x'")).toBe("select '--x'");
    expect(normalizeBody("x; -- the holder's call\ny")).toBe('x; y');
  });
});
