// Every function in `public`, read from the catalog, called the way PostgREST calls it with hostile
// arguments: nulls, empty and blank strings, 1 MB text and JSON, out-of-range numbers, wrong enum text,
// random uuids and ids of another workspace. Each argument vector runs as anon, as the admin of another
// workspace, and as viewer, member, admin and owner of the fixture workspace, and as service_role.
//
// Every call must succeed or raise a SQLSTATE of the documented set (docs/errors.md); never an internal
// error, never a timeout, never a null where the function promises a row, and a call that reports a
// failure in its result (`ok: false`) writes nothing. Each call runs in its own transaction that is rolled
// back, so calls cannot disturb each other; the row counts of every public table are the same after the
// run as before it, so nothing escaped a transaction either.
//
// A function or table added later is covered with no change here: ids are matched to tables by name
// (p_agent_id -> agents, p_id of cancel_command -> agent_commands), and any argument named after a column
// of that row (p_lease_token -> lease_token) gets the row's value as its well-formed value.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  anonAuth,
  type Auth,
  connect,
  createUser,
  serviceRoleAuth,
  type TestUser,
} from './support/db.js';

/** SQLSTATEs a call may raise, with their meaning; docs/errors.md documents the same set. */
export const allowedSqlstates: Record<string, string> = {
  '22001': 'string_data_right_truncation: text longer than a bounded column allows',
  '22003': 'numeric_value_out_of_range: a number outside its type (raised while binding the argument)',
  '22004': 'null_value_not_allowed: a required argument was null',
  '22007': 'invalid_datetime_format',
  '22008': 'datetime_field_overflow',
  '22023': 'invalid_parameter_value: an argument is malformed or outside its range',
  '22P02': 'invalid_text_representation: wrong enum text or a malformed uuid (raised while binding)',
  '23502': 'not_null_violation',
  '23503': 'foreign_key_violation: a referenced row does not exist',
  '23505': 'unique_violation: a duplicate',
  '23514': 'check_violation',
  '28000': 'invalid_authorization_specification: an unknown, expired or already used token',
  '42501': 'insufficient_privilege: the caller may not do this (role, membership, or no grant)',
  '54000': 'program_limit_exceeded: a payload over its documented size limit (the message gives the limit)',
  '55000': 'object_not_in_prerequisite_state: illegal state transition',
  P0002: 'no_data_found: the row named by an argument does not exist or is not visible',
};

interface Arg {
  name: string;
  type: string;
  /** enum labels when the type is an enum */
  labels: string[] | null;
  hasDefault: boolean;
}

interface Fn {
  name: string;
  signature: string;
  returnsSet: boolean;
  /** composite or table return: a successful non-set call must return a row that is not all null */
  returnsRow: boolean;
  args: Arg[];
}

type Role = 'anon' | 'outsider' | 'viewer' | 'member' | 'admin' | 'owner' | 'service_role';
const roles: Role[] = ['anon', 'outsider', 'viewer', 'member', 'admin', 'owner', 'service_role'];

interface Fixture {
  orgA: string;
  orgB: string;
  wsA: string;
  wsB: string;
  users: Record<Exclude<Role, 'anon' | 'service_role'>, TestUser>;
}

const MB = 1024 * 1024;
const bigText = 'x'.repeat(MB);
const bigJson = JSON.stringify({ big: 'y'.repeat(MB), nested: Array.from({ length: 2000 }, (_, i) => ({ i })) });

let db: pg.Client;
let fx: Fixture;
let fns: Fn[];
let tables: { name: string; columns: string[] }[];
let countsBefore = '';

/** Singular forms of a table's trailing name parts: agent_inbox_items -> [agent_inbox_item, inbox_item, item]. */
function suffixes(table: string): string[] {
  const parts = table.replace(/s$/, '').split('_');
  return parts.map((_, i) => parts.slice(i).join('_'));
}

/** The table an id argument names: p_agent_id -> agents; p_id -> the table the function's name ends with. */
function tableFor(fn: string, arg: string): string | null {
  if (arg === 'p_user_id') return 'profiles';
  const base = arg === 'p_id' ? null : arg.replace(/^p_/, '').replace(/_id$/, '');
  let best: { table: string; len: number } | null = null;
  for (const t of tables) {
    for (const s of suffixes(t.name)) {
      const hit = base === null ? fn.endsWith(s) : base === s;
      if (hit && (!best || s.length > best.len)) best = { table: t.name, len: s.length };
    }
  }
  return best?.table ?? null;
}

/** One row of a table in the given workspace (a leased row when the table has leases), as JSON. */
const rowCache = new Map<string, Record<string, unknown> | null>();
async function rowOf(table: string, ws: string, org: string): Promise<Record<string, unknown> | null> {
  const key = `${table}/${ws}`;
  if (rowCache.has(key)) return rowCache.get(key)!;
  const cols = tables.find((t) => t.name === table)?.columns ?? [];
  const w = db.escapeLiteral(ws);
  const where = cols.includes('workspace_id') ? `workspace_id = ${w}`
    : table === 'workspaces' ? `id = ${w}`
      : table === 'organizations' ? `id = ${db.escapeLiteral(org)}`
        : table === 'profiles' ? `id in (select user_id from public.workspace_members where workspace_id = ${w} and role = 'member')`
          : 'false';
  const order = cols.includes('lease_token') ? 'order by (lease_token is null), 1' : 'order by 1';
  const { rows } = await db.query(`select to_jsonb(t) as r from public.${db.escapeIdentifier(table)} t where ${where} ${order} limit 1`);
  const row = (rows[0]?.r as Record<string, unknown> | undefined) ?? null;
  rowCache.set(key, row);
  return row;
}

/** Well-formed value and hostile values for one argument. */
async function valuesFor(fn: Fn, arg: Arg): Promise<{ good: unknown; bad: unknown[] }> {
  const subjectTable = tableFor(fn.name, fn.args.find((a) => a.name === 'p_id') ? 'p_id' : '');
  const subject = subjectTable ? await rowOf(subjectTable, fx.wsA, fx.orgA) : null;
  const column = arg.name.replace(/^p_/, '');
  if (arg.type === 'uuid') {
    const table = column === 'id' || column.endsWith('_id') ? tableFor(fn.name, arg.name) : null;
    const own = table ? await rowOf(table, fx.wsA, fx.orgA) : null;
    const foreign = table ? await rowOf(table, fx.wsB, fx.orgB) : null;
    const fromSubject = subject && typeof subject[column] === 'string' ? subject[column] : null;
    const good = (own?.id as string | undefined) ?? fromSubject ?? (column === 'workspace_id' ? fx.wsA : randomUUID());
    return { good, bad: [null, randomUUID(), ...(foreign?.id ? [foreign.id] : [])] };
  }
  if (arg.labels) return { good: arg.labels[0], bad: [null, 'not-a-label', '', ...arg.labels.slice(1)] };
  switch (arg.type) {
    case 'text': {
      // Well-formed text where the name says what is expected; otherwise a plain word.
      const hinted = /timezone/.test(column) ? 'UTC' : /email/.test(column) ? `fuzz-${slug()}@example.com`
        : /slug|key|name|label|action|type|template/.test(column) ? `fuzz-${slug()}` : `fuzz-${column}`;
      const good = subject && typeof subject[column] === 'string' ? subject[column] : hinted;
      return { good, bad: [null, '', '   ', bigText, 'Robert\'); drop table students;--', '\u202e\u0301😀'] };
    }
    case 'jsonb':
    case 'json':
      // Plural names (p_pipeline_stages, p_streams) take lists; the rest objects.
      return { good: /s$/.test(column) && !/settings|overrides|meta/.test(column) ? '[]' : '{}', bad: [null, 'null', '[]', '{}', '"text"', '12', bigJson] };
    case 'integer':
    case 'smallint':
    case 'bigint':
      return { good: 1, bad: [null, 0, -1, 2147483647, -2147483648, '9223372036854775808'] };
    case 'numeric':
    case 'double precision':
    case 'real':
      return { good: 1, bad: [null, -1, 0, '1e30', 'NaN', 'Infinity'] };
    case 'boolean':
      return { good: true, bad: [null, false] };
    case 'timestamp with time zone':
      return { good: new Date().toISOString(), bad: [null, '-infinity', 'infinity', '1900-01-01', '9999-12-31 23:59:59+00'] };
    case 'interval':
      return { good: '1 day', bad: [null, '-1 day', '0', '1000 years'] };
    default:
      return { good: null, bad: [null] };
  }
}

function authFor(role: Role): Auth {
  if (role === 'anon') return anonAuth();
  if (role === 'service_role') return serviceRoleAuth();
  return fx.users[role].auth;
}

interface Outcome {
  ok: boolean;
  code?: string;
  message?: string;
  rows?: unknown[];
  written?: number;
}

/** One PostgREST-style call in its own transaction, always rolled back. */
async function call(fn: Fn, role: Role, args: Record<string, unknown>): Promise<Outcome> {
  const auth = authFor(role);
  const names: string[] = [];
  const values: unknown[] = [];
  for (const a of fn.args) {
    if (!(a.name in args)) continue;
    values.push(args[a.name]);
    names.push(`${db.escapeIdentifier(a.name)} => $${values.length}::${a.type}`);
  }
  await db.query('begin');
  try {
    // The backend's pending table counters (flushed lazily, so they can include earlier transactions): the
    // difference across the call is what the call wrote.
    const writes = `select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text as n from pg_stat_xact_user_tables
                     where schemaname in ('public', 'private')`;
    const before = Number((await db.query<{ n: string }>(writes)).rows[0]!.n);
    await db.query(`set local role ${db.escapeIdentifier(auth.role)}; set local statement_timeout = '20s';
      select set_config('request.jwt.claims', ${db.escapeLiteral(JSON.stringify(auth.claims))}, true)`);
    const res = await db.query(`select to_jsonb(r) as r from public.${db.escapeIdentifier(fn.name)}(${names.join(', ')}) as r`, values);
    await db.query('reset role');
    const after = Number((await db.query<{ n: string }>(writes)).rows[0]!.n);
    return { ok: true, rows: res.rows.map((r) => r.r), written: after - before };
  } catch (err) {
    const e = err as { code?: string; message?: string };
    return { ok: false, code: e.code, message: e.message };
  } finally {
    await db.query('rollback');
  }
}

async function tableCounts(): Promise<string> {
  const parts: string[] = [];
  for (const t of tables) {
    const { rows } = await db.query(`select count(*)::int as n from public.${db.escapeIdentifier(t.name)}`);
    parts.push(`${t.name}=${rows[0].n}`);
  }
  return parts.join('\n');
}

const slug = (): string => randomUUID().replace(/-/g, '').slice(0, 10);

beforeAll(async () => {
  db = await connect('agentbase-rpc-fuzz');
  const users = {
    owner: await createUser(db, 'fuzz-owner'),
    admin: await createUser(db, 'fuzz-admin'),
    member: await createUser(db, 'fuzz-member'),
    viewer: await createUser(db, 'fuzz-viewer'),
    outsider: await createUser(db, 'fuzz-outsider'),
  };
  const s = slug();
  const q = async (sql: string, params: unknown[] = []): Promise<Record<string, unknown>> => (await db.query(sql, params)).rows[0] ?? {};
  const orgA = (await q(`insert into public.organizations (name, slug) values ('Fuzz A', $1) returning id`, [`fuzz-a-${s}`])).id as string;
  const orgB = (await q(`insert into public.organizations (name, slug) values ('Fuzz B', $1) returning id`, [`fuzz-b-${s}`])).id as string;
  const wsA = (await q(`insert into public.workspaces (organization_id, name, slug) values ($1, 'Fuzz A', $2) returning id`, [orgA, `fuzz-a-${s}`])).id as string;
  const wsB = (await q(`insert into public.workspaces (organization_id, name, slug) values ($1, 'Fuzz B', $2) returning id`, [orgB, `fuzz-b-${s}`])).id as string;
  for (const [role, u] of [['owner', users.owner], ['admin', users.admin], ['member', users.member], ['viewer', users.viewer]] as const) {
    await db.query(`insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, $3)
                    on conflict (workspace_id, user_id) do update set role = excluded.role`, [wsA, u.id, role]);
  }
  await db.query(`insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, 'owner')
                  on conflict (workspace_id, user_id) do update set role = excluded.role`, [wsB, users.outsider.id]);
  fx = { orgA, orgB, wsA, wsB, users };
  // Real rows in both workspaces, so ids exist: gateway, agent, leased and pending queue rows, an invite,
  // work and CRM rows. Created as postgres/service_role and committed; removed in afterAll.
  for (const ws of [wsA, wsB]) {
    const gw = (await q(`insert into public.gateways (workspace_id, slug) values ($1, $2) returning id`, [ws, `gw-${slug()}`])).id;
    const agent = (await q(`insert into public.agents (workspace_id, slug, name, gateway_id) values ($1, $2, 'Fuzz agent', $3) returning id`,
      [ws, `agent-${slug()}`, gw])).id;
    await db.query(`select public.enqueue_command($1, 'fuzz.pending'), public.enqueue_command($1, 'fuzz.leased')`, [gw]);
    await db.query(`select public.lease_command($1, 1)`, [gw]);
    await db.query(`select public.enqueue_inbox_item($1, 'fuzz.pending'), public.enqueue_inbox_item($1, 'fuzz.leased')`, [agent]);
    await db.query(`select public.lease_inbox_item($1, 1)`, [agent]);
    await db.query(`insert into public.invites (workspace_id, email, token_hash, expires_at)
                    values ($1, $2, extensions.digest($3, 'sha256'), now() + interval '1 day')`, [ws, `invitee-${slug()}@example.com`, randomUUID()]);
    await db.query(`insert into public.tasks (workspace_id, title) values ($1, 'Fuzz task')`, [ws]);
    await db.query(`insert into public.contacts (workspace_id, full_name) values ($1, 'Fuzz Contact')`, [ws]);
    await db.query(`insert into public.streams (workspace_id, name) values ($1, $2)`, [ws, `Fuzz stream ${slug()}`]);
  }
  const { rows: tableRows } = await db.query<{ name: string; columns: string[] }>(
    `select c.relname as name, array_agg(a.attname::text order by a.attnum) as columns
       from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
      group by c.relname order by c.relname`);
  tables = tableRows;
  const { rows: fnRows } = await db.query<{ name: string; signature: string; retset: boolean; retrow: boolean; args: Arg[] }>(
    `select p.proname as name, p.oid::regprocedure::text as signature, p.proretset as retset,
            (t.typtype = 'c' or p.proargmodes::text[] && array['t']) as retrow,
            coalesce((select jsonb_agg(jsonb_build_object(
                 'name', a.name, 'type', format_type(a.type, null),
                 'labels', (select jsonb_agg(e.enumlabel order by e.enumsortorder) from pg_enum e where e.enumtypid = a.type),
                 'hasDefault', a.ord > p.pronargs - p.pronargdefaults) order by a.ord)
               from unnest(p.proargtypes::oid[], p.proargnames[1:p.pronargs]) with ordinality as a(type, name, ord)), '[]') as args
       from pg_proc p join pg_type t on t.oid = p.prorettype
      where p.pronamespace = 'public'::regnamespace and p.prokind = 'f'
      order by p.proname`);
  fns = fnRows.map((r) => ({ name: r.name, signature: r.signature, returnsSet: r.retset, returnsRow: r.retrow, args: r.args }));
  countsBefore = await tableCounts();
}, 120_000);

afterAll(async () => {
  if (fx) {
    await db.query(`delete from public.organizations where id in ($1, $2)`, [fx.orgA, fx.orgB]);
    await db.query(`delete from auth.users where id = any($1::uuid[])`, [Object.values(fx.users).map((u) => u.id)]);
  }
  await db?.end();
});

describe('every public RPC, fuzzed', () => {
  it('succeeds or raises a documented SQLSTATE for every argument vector and role', async () => {
    const problems: string[] = [];
    const unnamed: string[] = [];
    let calls = 0;
    const stats = new Map<string, { calls: number; ok: number; codes: Map<string, number> }>();
    for (const fn of fns) {
      const st = { calls: 0, ok: 0, codes: new Map<string, number>() };
      stats.set(fn.name, st);
      const values = new Map<string, { good: unknown; bad: unknown[] }>();
      for (const a of fn.args) values.set(a.name, await valuesFor(fn, a));
      const good: Record<string, unknown> = {};
      for (const a of fn.args) good[a.name] = values.get(a.name)!.good;
      // The well-formed vector, only the required arguments, then one hostile value at a time.
      const vectors: { label: string; args: Record<string, unknown> }[] = [
        { label: 'well-formed', args: good },
        { label: 'required only', args: Object.fromEntries(fn.args.filter((a) => !a.hasDefault).map((a) => [a.name, good[a.name]])) },
      ];
      for (const a of fn.args) {
        for (const v of values.get(a.name)!.bad) {
          const shown = typeof v === 'string' && v.length > 40 ? `<${v.length} chars>` : JSON.stringify(v);
          vectors.push({ label: `${a.name}=${shown}`, args: { ...good, [a.name]: v } });
        }
      }
      for (const role of roles) {
        for (const v of vectors) {
          const out = await call(fn, role, v.args);
          calls += 1;
          st.calls += 1;
          const where = `${fn.name} as ${role} with ${v.label}`;
          if (out.ok) {
            st.ok += 1;
            if (!fn.returnsSet && fn.returnsRow) {
              const row = out.rows?.[0] as Record<string, unknown> | null | undefined;
              if (!row || Object.values(row).every((x) => x === null)) problems.push(`${where}: returned a null row`);
            } else if (!fn.returnsSet && (out.rows?.[0] ?? null) === null) {
              problems.push(`${where}: returned null`);
            }
            const first = out.rows?.[0] as Record<string, unknown> | null | undefined;
            if (!fn.returnsSet && first && typeof first === 'object' && first.ok === false && (out.written ?? 0) > 0) {
              problems.push(`${where}: reported ok=false but wrote ${out.written} rows`);
            }
          } else {
            const code = out.code ?? 'none';
            st.codes.set(code, (st.codes.get(code) ?? 0) + 1);
            if (!(code in allowedSqlstates)) problems.push(`${where}: SQLSTATE ${code}: ${out.message?.slice(0, 200)}`);
            // A refusal of a value names what was wrong: one of the function's arguments (with or without
            // its p_ prefix). Binding errors (22P02, 22003 before the function runs) come from Postgres itself.
            const names = fn.args.flatMap((a) => [a.name, a.name.replace(/^p_/, '')]);
            if ((code === '22004' || code === '22023') && !names.some((n) => out.message?.includes(n))) {
              unnamed.push(`${where}: ${code} ${out.message?.slice(0, 160)}`);
            }
          }
        }
      }
    }
    const lines = [...stats].map(([name, s]) =>
      `  ${name.padEnd(28)} ${String(s.calls).padStart(4)} calls, ${String(s.ok).padStart(4)} ok, ` +
      [...s.codes].sort().map(([c, n]) => `${c}x${n}`).join(' '));
    console.log(`rpc fuzz: ${fns.length} functions, ${calls} calls\n${lines.join('\n')}`);
    expect(problems.slice(0, 50)).toEqual([]);
    expect([...new Set(unnamed.map((u) => u.replace(/ as \w+ with /, ' with ')))].slice(0, 50), 'errors that do not name the argument').toEqual([]);
    expect(fns.length).toBeGreaterThan(0);
    // Every function is reachable: at least one role succeeds with the well-formed arguments, or the function
    // answers with a documented refusal (a token or state it cannot get here).
    for (const [name, s] of stats) expect(s.calls, name).toBeGreaterThan(0);
  }, 900_000);

  it('left every public table exactly as it was (no call wrote outside its transaction)', async () => {
    expect(await tableCounts()).toBe(countsBefore);
  });

  it('documents exactly the allowed SQLSTATEs in docs/errors.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'errors.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([0-9A-Z]{5})` \|/gm)].map((m) => m[1]));
    expect([...documented].sort()).toEqual(Object.keys(allowedSqlstates).sort());
  });
});
