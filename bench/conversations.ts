// Unread-count benchmark: my_threads() (a user's threads with unread counts) on a workspace with
// BENCH_THREADS threads x BENCH_MESSAGES_PER_THREAD messages (default 1,000 x 1,000 = 1M messages).
//
//   SUPABASE_DB_URL=postgresql://postgres:postgres@127.0.0.1:54322/postgres npm run bench:conversations
//
// Messages (from the workspace's agent) are inserted through the real trigger path (parts check,
// sequence numbers, thread last_seq), server-side, as the owner. The reader is a workspace member with
// read markers on half of the threads. Reported: the PostgREST-style call (3 round trips, RLS on) and the server-side execution time from
// EXPLAIN ANALYZE of the same call. Knobs: BENCH_THREADS, BENCH_MESSAGES_PER_THREAD, BENCH_QUERIES (200),
// BENCH_KEEP=1 keeps the data (default: the benchmark workspace is deleted at the end).
import os from 'node:os';
import { connect, createUser, createWorkspaceFixture, rpc } from '../tests/support/db';

const THREADS = Number(process.env.BENCH_THREADS ?? 1000);
const PER_THREAD = Number(process.env.BENCH_MESSAGES_PER_THREAD ?? 1000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const KEEP = process.env.BENCH_KEEP === '1';

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
const fmt = (n: number, d = 2): string => n.toLocaleString('en-US', { maximumFractionDigits: d });

async function main(): Promise<void> {
  const db = await connect('bench-conversations');
  const version = (await db.query<{ v: string }>(`select current_setting('server_version') as v`)).rows[0]!.v;
  console.log(`conversations bench: PostgreSQL ${version}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join('/')}`);
  console.log(`${fmt(THREADS, 0)} threads x ${fmt(PER_THREAD, 0)} messages = ${fmt(THREADS * PER_THREAD, 0)} messages`);
  const fx = await createWorkspaceFixture(db, 'bench-conv');
  const reader = await createUser(db, 'bench-conv-reader');
  await db.query(`insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, 'member')`, [fx.workspaceId, reader.id]);
  try {
    const t0 = performance.now();
    await db.query(
      `insert into public.threads (workspace_id, kind, title) select $1, 'channel', 'bench ' || g from generate_series(1, $2) g`,
      [fx.workspaceId, THREADS],
    );
    const { rows: threads } = await db.query<{ id: string }>('select id from public.threads where workspace_id = $1 order by id', [fx.workspaceId]);
    // Round-robin, one message per thread per statement: as in real traffic, each transaction bumps a
    // thread's last_seq once (many bumps of one row inside one transaction would walk an ever longer
    // chain of row versions, which no real writer does).
    const ids = threads.map((t) => t.id);
    for (let g = 1; g <= PER_THREAD; g++) {
      await db.query(
        `insert into public.messages (thread_id, sender_type, sender_agent_id, content, parts)
         select t, 'assistant', $2, 'message ' || $3::int, '[{"type": "text", "text": "hello"}]' from unnest($1::uuid[]) t`,
        [ids, fx.agentId, g],
      );
      if (g % 100 === 0 || g === PER_THREAD) {
        process.stdout.write(`  loaded ${fmt(g * THREADS, 0)} messages (${fmt((performance.now() - t0) / 1000, 1)} s)\n`);
      }
    }
    // The reader has read half of the threads up to a random point.
    await db.query(
      `insert into public.thread_reads (workspace_id, thread_id, user_id, last_read_seq)
       select $1, t.id, $2, (random() * t.last_seq)::bigint from public.threads t where t.workspace_id = $1 and random() < 0.5`,
      [fx.workspaceId, reader.id],
    );
    await db.query('vacuum analyze public.threads, public.thread_reads, public.messages');
    console.log(`loaded in ${fmt((performance.now() - t0) / 1000, 1)} s`);

    const lat: number[] = [];
    let unread = 0;
    for (let q = 0; q < QUERIES; q++) {
      const s = performance.now();
      const rows = await rpc<{ unread_count: string }>(db, reader.auth, 'my_threads', { p_limit: 1000 });
      lat.push(performance.now() - s);
      if (q === 0) unread = rows.reduce((n, r) => n + Number(r.unread_count), 0);
      if (rows.length !== Math.min(THREADS, 1000)) throw new Error(`expected ${Math.min(THREADS, 1000)} threads, got ${rows.length}`);
    }
    lat.sort((a, b) => a - b);

    const exec: number[] = [];
    for (let q = 0; q < Math.min(QUERIES, 50); q++) {
      await db.query('begin');
      await db.query('set local role authenticated');
      await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify(reader.auth.claims)]);
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(
        'explain (analyze, format text, costs off) select * from public.my_threads(null, 1000)',
      );
      await db.query('rollback');
      const line = rows.map((r) => r['QUERY PLAN']).find((l) => l.startsWith('Execution Time'));
      exec.push(Number(/([\d.]+) ms/.exec(line ?? '')?.[1] ?? NaN));
    }
    exec.sort((a, b) => a - b);

    console.log(`\nmy_threads(p_limit => 1000) as a member: ${fmt(THREADS, 0)} threads returned, ${fmt(unread, 0)} unread in total`);
    console.log(`PostgREST-style call (3 round trips, RLS on): p50 ${fmt(pct(lat, 50))} ms, p99 ${fmt(pct(lat, 99))} ms over ${QUERIES} calls`);
    console.log(`server-side execution (EXPLAIN ANALYZE):      p50 ${fmt(pct(exec, 50))} ms, p99 ${fmt(pct(exec, 99))} ms over ${exec.length} calls`);
  } finally {
    if (!KEEP) {
      await db.query('delete from public.workspaces where id = $1', [fx.workspaceId]);
      await db.query('delete from public.organizations where id = $1', [fx.organizationId]);
      await db.query('delete from auth.users where id = any ($1::uuid[])', [[fx.admin.id, reader.id]]);
    }
    await db.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
