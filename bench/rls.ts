// RLS overhead on the largest workspace table: the same list/filter queries as a workspace member
// (RLS on: `workspace_id = any (array(select private.my_workspace_ids()))`) and as service_role (RLS
// bypassed, same explicit filters), on RLS_ROWS rows spread over RLS_WORKSPACES workspaces.
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:rls
//
// The table is agent_commands as clients read it: live rows in agent_commands, finished rows in
// agent_command_history (RLS_LIVE_SHARE live, the rest finished), read through `agent_commands`, which
// includes both; plus agent_command_events (one row per command). Everything is generated inside one
// transaction that is rolled back at the end, so the database is left as it was. Each query runs as
// the member (PostgREST's `set local role authenticated` + JWT claims) and as service_role, alternating,
// RLS_ITER times after a warm-up; the table prints the median server-side execution time of each
// (EXPLAIN ANALYZE, so client round trips do not dilute the ratio) and member/service_role. Goal: <= 1.5.
// Knobs: RLS_ROWS (1000000), RLS_WORKSPACES (1000), RLS_MEMBER_OF (3 workspaces), RLS_ITER (50),
// RLS_LIVE_SHARE (0.1).
import { randomUUID } from 'node:crypto';
import { closeQuietly, connect, serviceRoleAuth, userAuth } from '../tests/support/db';

const ROWS = Number(process.env.RLS_ROWS ?? 1_000_000);
const WORKSPACES = Number(process.env.RLS_WORKSPACES ?? 1000);
const MEMBER_OF = Number(process.env.RLS_MEMBER_OF ?? 3);
const ITER = Number(process.env.RLS_ITER ?? 50);
const LIVE_SHARE = Number(process.env.RLS_LIVE_SHARE ?? 0.1);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const c = await connect('bench-rls');
  const t0 = performance.now();
  try {
    await c.query('begin');
    await setup(c);
    console.log(`setup: ${ROWS} commands over ${WORKSPACES} workspaces in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    await measure(c);
  } finally {
    await c.query('rollback').catch(() => undefined);
    await closeQuietly(c);
  }
}

let member: { id: string; email: string };
let memberWorkspace = '';
let memberGateway = '';
let sampleId = '';

async function setup(c: Awaited<ReturnType<typeof connect>>): Promise<void> {
  const tag = randomUUID().slice(0, 8);
  member = { id: randomUUID(), email: `rls-${tag}@bench.agentbase.dev` };
  await c.query(
    `insert into auth.users (id, aud, role, email, raw_user_meta_data, raw_app_meta_data, created_at, updated_at)
     values ($1, 'authenticated', 'authenticated', $2, '{}', '{"provider":"email","providers":["email"]}', now(), now())`,
    [member.id, member.email],
  );
  const { rows: org } = await c.query<{ id: string }>(
    `insert into public.organizations (name, slug) values ('rls bench', $1) returning id`,
    [`rls-bench-${tag}`],
  );
  await c.query(`create temp table rls_ws (id uuid, n int) on commit drop`);
  await c.query(
    `with w as (
       insert into public.workspaces (organization_id, name, slug)
       select $1::uuid, 'rls ' || g, 'rls-' || g from generate_series(1, $2::int) g
       returning id)
     insert into rls_ws select id, row_number() over (order by id) from w`,
    [org[0]!.id, WORKSPACES],
  );
  await c.query(`create temp table rls_gw (workspace_id uuid, gateway_id uuid, n int) on commit drop`);
  await c.query(
    `with g as (
       insert into public.gateways (workspace_id, slug) select id, 'rls-gw' from rls_ws returning id, workspace_id)
     insert into rls_gw select g.workspace_id, g.id, w.n from g join rls_ws w on w.id = g.workspace_id`,
  );
  // The member belongs to MEMBER_OF workspaces; the measured one is the first.
  await c.query(
    `insert into public.workspace_members (workspace_id, user_id, role)
     select id, $1, 'member' from rls_ws where n <= $2`,
    [member.id, MEMBER_OF],
  );
  const { rows: ws } = await c.query<{ workspace_id: string; gateway_id: string }>(
    `select workspace_id, gateway_id from rls_gw where n = 1`,
  );
  memberWorkspace = ws[0]!.workspace_id;
  memberGateway = ws[0]!.gateway_id;
  const live = Math.round(ROWS * LIVE_SHARE);
  // Finished commands (history) and live ones (hot table), round-robin over the workspaces, spread over
  // 90 days; statuses mixed.
  await c.query(
    `insert into public.agent_command_history
       (workspace_id, gateway_id, action, status, attempt, finished_at, created_at, last_error, failure_code)
     select g.workspace_id, g.gateway_id, 'bench.' || (i % 7), s.status, 1,
            now() - make_interval(secs => i % 7776000), now() - make_interval(secs => i % 7776000 + 5),
            case when s.status = 'failed' then 'boom' end, case when s.status = 'failed' then 'permanent' end
     from generate_series(1, $1::int) i
     join rls_gw g on g.n = 1 + i % $2::int
     cross join lateral (select (array['done', 'done', 'done', 'failed', 'cancelled'])[1 + (i / $2::int) % 5]::public.command_status as status) s`,
    [ROWS - live, WORKSPACES],
  );
  await c.query(
    `insert into public.agent_commands (workspace_id, gateway_id, action, status, created_at, available_at)
     select g.workspace_id, g.gateway_id, 'bench.' || (i % 7), 'pending', now() - make_interval(secs => i % 86400),
            now() - make_interval(secs => i % 86400)
     from generate_series(1, $1::int) i
     join rls_gw g on g.n = 1 + i % $2::int`,
    [live, WORKSPACES],
  );
  await c.query(
    `insert into public.agent_command_events (command_id, workspace_id, from_status, to_status, reason, attempt, lease_count, actor_role)
     select h.id, h.workspace_id, 'leased', h.status, 'completed', 1, 1, 'service_role'
     from public.agent_command_history h join rls_gw g on g.gateway_id = h.gateway_id`,
  );
  for (const t of ['agent_commands', 'agent_command_history', 'agent_command_events', 'workspace_members', 'workspaces', 'gateways']) {
    await c.query(`analyze public.${t}`);
  }
  const { rows: s } = await c.query<{ id: string }>(
    `select id from public.agent_command_history where workspace_id = $1 limit 1 offset 10`,
    [memberWorkspace],
  );
  sampleId = s[0]!.id;
}

interface Query {
  name: string;
  sql: string;
  params: () => unknown[];
}

const QUERIES: Query[] = [
  {
    name: 'latest 50 commands of a workspace',
    sql: `select id, action, status, created_at from public.agent_commands where workspace_id = $1 order by created_at desc limit 50`,
    params: () => [memberWorkspace],
  },
  {
    name: 'latest 50 failed commands of a workspace',
    sql: `select id, action, last_error, finished_at from public.agent_commands where workspace_id = $1 and status = 'failed' order by finished_at desc limit 50`,
    params: () => [memberWorkspace],
  },
  {
    name: 'live commands of a gateway',
    sql: `select id, action, status, available_at from only public.agent_commands where workspace_id = $1 and gateway_id = $2 and status in ('pending', 'leased', 'running') order by created_at limit 50`,
    params: () => [memberWorkspace, memberGateway],
  },
  {
    name: 'count by status in a workspace',
    sql: `select status, count(*) from public.agent_commands where workspace_id = $1 group by status`,
    params: () => [memberWorkspace],
  },
  {
    name: 'finished in the last 24 h (history)',
    sql: `select id, status, finished_at from public.agent_command_history where workspace_id = $1 and finished_at > now() - interval '1 day' order by finished_at desc limit 100`,
    params: () => [memberWorkspace],
  },
  {
    name: 'one command by id',
    sql: `select * from public.agent_commands where id = $1`,
    params: () => [sampleId],
  },
  {
    name: 'events of one command',
    sql: `select * from public.agent_command_events where command_id = $1 order by id`,
    params: () => [sampleId],
  },
  {
    name: 'all my workspaces: latest 50 (no explicit filter)',
    sql: `select id, action, status, created_at from public.agent_commands order by created_at desc limit 50`,
    params: () => [],
  },
];

async function execMs(
  c: Awaited<ReturnType<typeof connect>>,
  role: 'member' | 'service_role',
  q: Query,
): Promise<{ ms: number; rows: number }> {
  const auth = role === 'member' ? userAuth(member) : serviceRoleAuth();
  await c.query(`set local role ${auth.role}`);
  await c.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(auth.claims)]);
  // Service role sees every workspace: the unfiltered query gets the member's workspaces as its filter.
  const sql =
    role === 'service_role' && q.params().length === 0
      ? q.sql.replace('from public.agent_commands', `from public.agent_commands where workspace_id = any ($1::uuid[])`)
      : q.sql;
  const params =
    role === 'service_role' && q.params().length === 0
      ? [
          (
            await c.query<{ ids: string[] }>(
              `select array_agg(workspace_id) as ids from public.workspace_members where user_id = $1`,
              [member.id],
            )
          ).rows[0]!.ids,
        ]
      : q.params();
  const { rows } = await c.query<{ 'QUERY PLAN': { 'Execution Time': number; 'Planning Time': number; Plan: { 'Actual Rows': number } }[] }>(
    `explain (analyze, format json) ${sql}`,
    params,
  );
  await c.query('reset role');
  const p = rows[0]!['QUERY PLAN'][0]!;
  return { ms: p['Execution Time'] + p['Planning Time'], rows: p.Plan['Actual Rows'] };
}

async function measure(c: Awaited<ReturnType<typeof connect>>): Promise<void> {
  console.log(`member of ${MEMBER_OF} workspaces; ${ITER} runs per query and role (median of planning + execution)\n`);
  console.log('| query | rows | member (ms) | service_role (ms) | member / service_role |');
  console.log('|---|---|---|---|---|');
  let worst = 0;
  for (const q of QUERIES) {
    const m: number[] = [];
    const s: number[] = [];
    let rowsM = 0;
    let rowsS = 0;
    for (let i = 0; i < 5; i++) {
      await execMs(c, 'member', q);
      await execMs(c, 'service_role', q);
    }
    for (let i = 0; i < ITER; i++) {
      const a = await execMs(c, 'member', q);
      const b = await execMs(c, 'service_role', q);
      m.push(a.ms);
      s.push(b.ms);
      rowsM = a.rows;
      rowsS = b.rows;
    }
    if (rowsM !== rowsS) console.error(`  ${q.name}: member saw ${rowsM} rows, service_role ${rowsS}`);
    const ratio = median(m) / median(s);
    worst = Math.max(worst, ratio);
    console.log(`| ${q.name} | ${rowsM} | ${median(m).toFixed(3)} | ${median(s).toFixed(3)} | ${ratio.toFixed(2)} |`);
  }
  console.log(`\nworst ratio ${worst.toFixed(2)} (goal <= 1.5)`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
