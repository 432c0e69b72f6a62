// The porting guides (docs/porting/*.md) stay honest:
// - every agentbase table, function and type a guide names (public.x, compat_hq.x, private.x) exists,
//   except names a guide declares as pending through `requires=` on a block (a domain not built yet);
// - every mapping block (```sql starting `-- port:<system>`) runs, in order, in one rolled-back
//   transaction, against the old system's shape (the guide's `-- old:<system>` blocks) filled with the
//   sample rows below; a block with `target=public.t` must add rows to t in the target workspace; a block
//   whose `requires=` names a table that does not exist yet is skipped, and the skips are counted so an
//   empty or fully skipped guide fails.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connect, createUser, createWorkspaceFixture } from './support/db.js';

const root = join(import.meta.dirname, '..');

interface Block {
  kind: 'old' | 'port';
  system: string;
  attrs: Record<string, string>;
  sql: string;
}

interface Guide {
  file: string;
  schema: string;
  text: string;
  blocks: Block[];
}

// Per guide: its file, the scratch schema of the old tables, sample rows, and (for systems with their own
// user ids) the rows of port.users, written as SQL with :user for the test user's id.
const GUIDES: Record<string, { file: string; schema: string; samples: string; users?: string }> = {
  hq: {
    file: 'docs/porting/hq.md',
    schema: 'hq',
    samples: `
insert into hq.workspace values ('a1000000-0000-4000-8000-000000000001', 'Acme', 'acme', 'desc', true, 'Ada', 'Ada',
  'Europe/Berlin', '{"theme":"dark"}', 50, 80, true);
insert into hq.gateways values ('a1000000-0000-4000-8000-000000000010', 'default', 'Default', 'online', now(), '{}', now()),
  ('a1000000-0000-4000-8000-000000000011', 'mac-mini', 'Mac mini', 'offline', null, null, now());
insert into hq.agents values
  ('a1000000-0000-4000-8000-000000000020', 'a1000000-0000-4000-8000-000000000010', 'Chief', 'chief', null, null, 'online', now(), '{ops}', '["shell"]', '{}', '{}', null, now()),
  ('a1000000-0000-4000-8000-000000000021', 'a1000000-0000-4000-8000-000000000011', 'Scout', 'scout', 'research', null, 'paused', null, null, null, null, null, 'a1000000-0000-4000-8000-000000000020', now());
insert into hq.streams values ('a1000000-0000-4000-8000-000000000030', 'Sales', null, 'functional', '#ff0000', 1, now());
insert into hq.tasks values
  ('a1000000-0000-4000-8000-000000000040', 'a1000000-0000-4000-8000-000000000030', 'Call Bob', 'ring him', 'done', 'high', null, 'a1000000-0000-4000-8000-000000000021', now(), 1, now()),
  ('a1000000-0000-4000-8000-000000000041', null, 'Write memo', null, 'in_progress', 'medium', now() + interval '1 day', null, null, 2, now());
insert into hq.pipeline_stages values (gen_random_uuid(), 'contact', 'lead', 'Lead', null, 1), (gen_random_uuid(), 'contacts', 'customer', 'Customer', null, 2);
insert into hq.field_definitions values (gen_random_uuid(), 'contact', 'linkedin', 'LinkedIn', 'url', null, false, 1),
  (gen_random_uuid(), 'contact', 'tier', 'Tier', 'select', '["gold","silver"]', false, 2);
insert into hq.contacts values ('a1000000-0000-4000-8000-000000000050', 'Bob Jones', 'bob@example.com', null, 'lead', 'high', 3,
  '{"linkedin":"in/bob","legacy":"x"}', 'met at fair', now());
insert into hq.comments values (gen_random_uuid(), 'task', 'a1000000-0000-4000-8000-000000000040', 'done, @scout thanks', '{scout}', now());
insert into hq.agent_commands values
  ('a1000000-0000-4000-8000-000000000060', null, 'a1000000-0000-4000-8000-000000000020', 'chief', 'update', '{}', 'pending', null, null, null, null, null, null, null, null, null, null, now()),
  ('a1000000-0000-4000-8000-000000000061', 'a1000000-0000-4000-8000-000000000011', null, null, 'restart_gateway', '{}', 'done', now(), now(), now(), now(), null, 0, 'ok', '', null, null, now()),
  ('a1000000-0000-4000-8000-000000000062', 'a1000000-0000-4000-8000-000000000010', null, null, 'auth_list', '{}', 'running', now(), now(), now(), null, null, null, null, null, null, null, now()),
  ('a1000000-0000-4000-8000-000000000063', 'a1000000-0000-4000-8000-000000000010', null, null, 'remove', '{}', 'failed', now(), now(), now(), null, now(), 1, '', 'x', 'boom', null, now());
insert into hq.agent_inbox_items values
  ('a1000000-0000-4000-8000-000000000070', 'a1000000-0000-4000-8000-000000000021', 'scout', 'task_assignment', 'a1000000-0000-4000-8000-000000000040', null, null, 'failed', null, null, null, now(), 1, 3, 'Call Bob', '{"last_failure_reason":"asleep"}', null, null, 'task_assignment:a:b', now()),
  ('a1000000-0000-4000-8000-000000000071', 'a1000000-0000-4000-8000-000000000021', 'scout', 'contact_created', null, null, 'a1000000-0000-4000-8000-000000000050', 'done', null, null, now(), null, 1, 3, 'Bob', '{}', null, null, 'automation:r:c:created', now()),
  ('a1000000-0000-4000-8000-000000000072', 'a1000000-0000-4000-8000-000000000020', 'chief', 'task_comment_mention', 'a1000000-0000-4000-8000-000000000041', gen_random_uuid(), null, 'leased', now(), now(), null, null, 3, 3, 'hey', '{}', null, null, 'comment_mention:x:y', now());
insert into hq.agent_usage values (gen_random_uuid(), 'a1000000-0000-4000-8000-000000000020', 'chief', null, 's1', 'r1', 'Anthropic', 'claude', 100, 20, 0, 0, 120, 0.001, 0.002, 0, 0, 0.003, now(), '{}'),
  (gen_random_uuid(), 'a1000000-0000-4000-8000-000000000020', 'chief', null, null, null, 'openai', 'gpt', 5, 5, 0, 0, 10, null, null, null, null, null, now(), null);
insert into hq.agent_budgets values ('a1000000-0000-4000-8000-000000000020', 25, 70, true);
insert into hq.automation_rules values (gen_random_uuid(), 'New lead', 'contacts', 'changed_to', 'status', 'customer', '{name} became a customer', 'a1000000-0000-4000-8000-000000000021', true);
insert into hq.notifications values (gen_random_uuid(), 'budget.warned', 'Chief at 80%', null, 'agent', 'a1000000-0000-4000-8000-000000000020', '{}', null, now());
insert into hq.documents values (gen_random_uuid(), null, 'Boot', 'You are Chief.', '{boot:all}', now());
`,
  },
  'open-agents': {
    file: 'docs/porting/open-agents.md',
    schema: 'open_agents',
    users: `insert into port.users values ('b2000000-0000-4000-8000-0000000000a1', :user);`,
    samples: `
insert into open_agents.sessions (id, account_id, title, status, repo_owner, repo_name, branch, clone_url, global_skill_refs,
  lifecycle_state, lines_added, created_at, updated_at)
values ('sess_1', 'b2000000-0000-4000-8000-0000000000a1', 'Fix login', 'running', 'acme', 'web', 'fix-login',
  'https://github.com/acme/web.git', '["skill:lint"]', 'active', 12, now(), now());
insert into open_agents.chats values ('chat_1', 'sess_1', 'Fix login', 'anthropic/claude-haiku-4.5', null, now(), now(), now());
insert into open_agents.chat_messages values ('msg_1', 'chat_1', 'user', '[{"type":"text","text":"fix it"}]', now()),
  ('msg_2', 'chat_1', 'assistant', '[{"type":"text","text":"done"}]', now());
insert into open_agents.chat_reads values ('b2000000-0000-4000-8000-0000000000a1', 'chat_1', now(), now(), now());
insert into open_agents.shares values ('share_1', 'chat_1', now(), now());
insert into open_agents.workflow_runs values ('run_1', 'chat_1', 'sess_1', 'b2000000-0000-4000-8000-0000000000a1', 'm',
  'completed', now() - interval '5 seconds', now(), 5000, now());
insert into open_agents.workflow_run_steps values ('step_1', 'run_1', 1, now() - interval '5 seconds', now(), 5000, 'stop', 'stop', now());
insert into open_agents.usage_events values ('ue_1', 'b2000000-0000-4000-8000-0000000000a1', 'web', 'main', 'anthropic',
  'claude-sonnet', 1000, 200, 300, 2, now());
`,
  },
  'personal-agent': {
    file: 'docs/porting/personal-agent.md',
    schema: 'personal_agent',
    users: `insert into port.users values ('c3000000-0000-4000-8000-0000000000a1', :user);`,
    samples: `
insert into personal_agent.agents values ('c3000000-0000-4000-8000-000000000010', 'c3000000-0000-4000-8000-0000000000a1', 'Halo', 'sleeping',
  'partner', '{"model":"gpt-4o","tone":"warm","verbosity":"concise"}', 'Help me', 'Be kind', 'Grew up online', 'halo@example.com', true, 3, 1200, now()),
  ('c3000000-0000-4000-8000-000000000011', 'c3000000-0000-4000-8000-0000000000a1', 'Old Bot', 'destroyed', 'observer', '{}', null, null, null, null, false, 1, 0, now());
insert into personal_agent.agent_skills values (gen_random_uuid(), 'c3000000-0000-4000-8000-000000000010', 'Email triage', 'email', 2, now());
insert into personal_agent.agent_training_data values (gen_random_uuid(), 'c3000000-0000-4000-8000-000000000010', 'instruction', 'Always sign off', now());
insert into personal_agent.knowledge_collections values ('c3000000-0000-4000-8000-000000000030', 'c3000000-0000-4000-8000-0000000000a1', 'About me', null, now());
insert into personal_agent.knowledge_entries values (gen_random_uuid(), 'c3000000-0000-4000-8000-000000000030', 'Likes tea', 'preference', 0.8,
  'halo_onboarding', null, 'vec_123', now());
insert into personal_agent.agent_knowledge_access values ('c3000000-0000-4000-8000-000000000010', 'c3000000-0000-4000-8000-000000000030', 'read_write');
insert into personal_agent.usage_logs values (gen_random_uuid(), 'c3000000-0000-4000-8000-0000000000a1', 'c3000000-0000-4000-8000-000000000010', 'chat',
  'openai', 'gpt-4o', 100, 50, 0.0012, now());
insert into personal_agent.user_personalization values ('c3000000-0000-4000-8000-0000000000a1', 'Tea lover', 'Engineer', 'Acme', 'Ship', '{tea,go}', 'me', '{}');
insert into personal_agent.activity_feed values (gen_random_uuid(), 'c3000000-0000-4000-8000-0000000000a1', 'c3000000-0000-4000-8000-000000000010', 'task_completed', 'Sent the email', '{}', now());
insert into personal_agent.chat_messages values (gen_random_uuid(), 'c3000000-0000-4000-8000-000000000010:direct', 'c3000000-0000-4000-8000-0000000000a1',
  'c3000000-0000-4000-8000-000000000010', 'user', 'hi', now()),
  (gen_random_uuid(), 'c3000000-0000-4000-8000-000000000010:direct', 'c3000000-0000-4000-8000-0000000000a1', 'c3000000-0000-4000-8000-000000000010', 'assistant', 'hello', now());
`,
  },
  'family-assistant': {
    file: 'docs/porting/family-assistant.md',
    schema: 'family',
    samples: `
insert into family.family_members values (gen_random_uuid(), '+4915112345678', 'Mum', 'parent', true, now());
insert into family.telemetry_events values (gen_random_uuid(), 'd4000000-0000-4000-8000-000000000001', 'stt', 'completed',
  now() - interval '2 seconds', now(), '{"provider":"whisper"}');
insert into family.provider_config values ('llm', '{"provider":"openai","model":"gpt-4o-mini"}', now());
insert into family.feature_flags values ('voice_replies', true, now());
`,
  },
  enterprise: {
    file: 'docs/porting/enterprise.md',
    schema: 'enterprise',
    users: `insert into port.users values ('e5000000-0000-4000-8000-0000000000a1', :user);`,
    samples: `
insert into enterprise.projects values ('e5000000-0000-4000-8000-000000000010', 'Website', 'website', 'The site', false, now());
insert into enterprise.agent_profiles values ('e5000000-0000-4000-8000-000000000020', 'Mia', 'mia', 'https://x/a.png', 'alloy', 'Support', 'Helps', now());
insert into enterprise.agent_templates values (gen_random_uuid(), 'support-bot', 'Support bot', 'support', '{email,search}', '{"tone":"calm"}', now());
insert into enterprise.tasks values (gen_random_uuid(), 'e5000000-0000-4000-8000-000000000010', 'Launch', 'COMPLETED', '[{"title":"build"},{"title":"ship"}]', now());
insert into enterprise.cron_jobs values ('e5000000-0000-4000-8000-000000000030', 'Nightly backup', '0 0 2 * * ?', 'UTC', true, 'backup.sh', '["--all"]', now());
insert into enterprise.cron_job_runs values (gen_random_uuid(), 'e5000000-0000-4000-8000-000000000030', 'SUCCESS', 0, 'ok', now() - interval '1 minute', now());
insert into enterprise.api_tokens values (gen_random_uuid(), 'ci', 'abcd', '\\x00', '{tasks:read}', null, null, now());
insert into enterprise.trials values (gen_random_uuid(), 'e5000000-0000-4000-8000-0000000000a1', 'pro', now(), now() + interval '14 days', now());
insert into enterprise.device_push_tokens values (gen_random_uuid(), 'e5000000-0000-4000-8000-0000000000a1', 'tok-1', 'IOS', now());
insert into enterprise.notification_preferences values ('e5000000-0000-4000-8000-0000000000a1', 'task.completed', 'EMAIL', false);
insert into enterprise.conversations values ('e5000000-0000-4000-8000-000000000040', 'e5000000-0000-4000-8000-000000000020', 'Support chat', now());
insert into enterprise.messages values (gen_random_uuid(), 'e5000000-0000-4000-8000-000000000040', 'AGENT', null, 'e5000000-0000-4000-8000-000000000020', 'Mia', 'How can I help?', now());
insert into enterprise.video_calls values (gen_random_uuid(), 'e5000000-0000-4000-8000-000000000020', 'ENDED', now() - interval '10 minutes', now(), 600, now());
insert into enterprise.user_services values (gen_random_uuid(), 'api', 'ghcr.io/acme/api:1', 8080, 'RUNNING', 'https://api.acme.dev', now());
insert into enterprise.robot_macros values (gen_random_uuid(), 'Login', '[{"click":"#login"}]', now());
insert into enterprise.desktop_configs values (gen_random_uuid(), 'Ubuntu', 'ubuntu:22.04', 1920, 1080, now());
insert into enterprise.computer_use_tasks values (gen_random_uuid(), 'Open the site', 'COMPLETED', '{"ok":true}', now());
`,
  },
};

function parseGuide(system: string): Guide {
  const { file, schema } = GUIDES[system]!;
  const text = readFileSync(join(root, file), 'utf8');
  const blocks: Block[] = [];
  for (const m of text.matchAll(/```sql\n([\s\S]*?)```/g)) {
    const sql = m[1]!;
    const head = /^-- (old|port):([a-z-]+)(.*)$/m.exec(sql.split('\n')[0] ?? '');
    if (!head) continue;
    const attrs: Record<string, string> = {};
    for (const a of head[3]!.trim().split(/\s+/).filter(Boolean)) {
      const [k, v] = a.split('=');
      attrs[k!] = v ?? '';
    }
    blocks.push({ kind: head[1] as 'old' | 'port', system: head[2]!, attrs, sql });
  }
  return { file, schema, text, blocks };
}

// Names of a domain not built yet: from blocks' requires= and from `<!-- requires: public.a, public.b -->`
// lines (for names the prose uses, such as a type or an RPC of that domain).
const pendingNames = (g: Guide): Set<string> =>
  new Set([
    ...g.blocks.flatMap((b) => (b.attrs.requires ? b.attrs.requires.split(',') : [])),
    ...[...g.text.matchAll(/<!-- requires: ([^>]*?) -->/g)].flatMap((m) => m[1]!.split(/[\s,]+/).filter(Boolean)),
  ]);

let client: pg.Client;
const ran: Record<string, { ran: number; skipped: string[] }> = {};

beforeAll(async () => {
  client = await connect('porting-guides');
});
afterAll(async () => {
  await client?.end();
  // eslint-disable-next-line no-console
  console.log('porting blocks run / skipped (pending domains):', JSON.stringify(ran));
});

async function exists(name: string): Promise<boolean> {
  const [schema, obj] = name.split('.');
  const { rows } = await client.query<{ n: number }>(
    `select (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and c.relname = $2)
          + (select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = $1 and p.proname = $2)
          + (select count(*) from pg_type t join pg_namespace n on n.oid = t.typnamespace where n.nspname = $1 and t.typname = $2) as n`,
    [schema, obj],
  );
  return Number(rows[0]!.n) > 0;
}

async function countIn(table: string, workspaceId: string): Promise<number> {
  const [schema, rel] = table.split('.');
  const { rows: cols } = await client.query(
    `select 1 from information_schema.columns where table_schema = $1 and table_name = $2 and column_name = 'workspace_id'`,
    [schema, rel],
  );
  const { rows } = await client.query<{ n: string }>(
    cols.length > 0
      ? `select count(*) as n from ${schema}.${rel} where workspace_id = $1`
      : `select count(*) as n from ${schema}.${rel} where $1::uuid is not null`,
    [workspaceId],
  );
  return Number(rows[0]!.n);
}

describe.each(Object.keys(GUIDES))('porting guide %s', (system) => {
  const guide = parseGuide(system);

  it('has an old shape and mapping blocks for its own system', () => {
    expect(guide.blocks.filter((b) => b.kind === 'old').length).toBeGreaterThan(0);
    expect(guide.blocks.filter((b) => b.kind === 'port').length).toBeGreaterThanOrEqual(3);
    for (const b of guide.blocks) expect(b.system).toBe(system);
  });

  it('names only agentbase objects that exist (or that a block declares pending)', async () => {
    const pending = pendingNames(guide);
    // Old tables are schema-qualified with the scratch schema, so only our schemas are checked here.
    const names = new Set([...guide.text.matchAll(/\b(public|compat_hq|private)\.([a-z_][a-z0-9_]*)/g)].map((m) => `${m[1]}.${m[2]}`));
    expect(names.size).toBeGreaterThan(3);
    const missing: string[] = [];
    for (const n of names) if (!pending.has(n) && !(await exists(n))) missing.push(n);
    expect(missing).toEqual([]);
  });

  it('moves the sample rows of the old shape with its mapping SQL', async () => {
    const spec = GUIDES[system]!;
    const stats = { ran: 0, skipped: [] as string[] };
    await client.query('begin');
    try {
      const fx = await createWorkspaceFixture(client, `port-${system}`);
      const other = await createUser(client, `port-${system}-user`);
      await client.query(
        `select set_config('port.workspace_id', $1, true), set_config('port.user_id', $2, true),
                set_config('port.agent_id', $3, true)`,
        [fx.workspaceId, fx.admin.id, fx.agentId],
      );
      await client.query(
        `insert into public.workspace_members (workspace_id, user_id, role) values ($1, $2, 'member')`,
        [fx.workspaceId, other.id],
      );
      await client.query(`create schema ${guide.schema}`);
      await client.query('create schema if not exists port');
      await client.query('create table if not exists port.users (old_id text primary key, user_id uuid not null)');
      for (const b of guide.blocks.filter((x) => x.kind === 'old')) await client.query(b.sql);
      await client.query(spec.samples);
      if (spec.users) await client.query(spec.users.replaceAll(':user', `'${fx.admin.id}'`));

      for (const [i, b] of guide.blocks.filter((x) => x.kind === 'port').entries()) {
        const requires = b.attrs.requires ? b.attrs.requires.split(',') : [];
        const absent = [];
        for (const r of requires) if (!(await exists(r))) absent.push(r);
        if (absent.length > 0) {
          stats.skipped.push(`#${i + 1}:${absent.join('+')}`);
          continue;
        }
        const target = b.attrs.target;
        const before = target ? await countIn(target, fx.workspaceId) : 0;
        await client.query('savepoint block');
        try {
          await client.query(b.sql);
        } catch (e) {
          throw new Error(`${guide.file} port block #${i + 1}${target ? ` (${target})` : ''}: ${(e as Error).message}`);
        }
        await client.query('release savepoint block');
        if (target) {
          const after = await countIn(target, fx.workspaceId);
          expect(after, `${guide.file} block #${i + 1} adds rows to ${target}`).toBeGreaterThan(before);
        }
        stats.ran += 1;
      }
    } finally {
      await client.query('rollback');
    }
    ran[system] = stats;
    // Every block either ran or was skipped for a named missing table: none is silently dropped.
    expect(stats.ran + stats.skipped.length).toBe(guide.blocks.filter((b) => b.kind === 'port').length);
  });
});

describe('porting guides, all together', () => {
  it('run real mapping SQL: blocks without pending dependencies always run, and they are most of them', () => {
    // Filled by the per-guide tests above (same file, run in order).
    const total = Object.values(ran).reduce((n, s) => n + s.ran, 0);
    const skipped = Object.values(ran).reduce((n, s) => n + s.skipped.length, 0);
    expect(Object.keys(ran).sort()).toEqual(Object.keys(GUIDES).sort());
    expect(total).toBeGreaterThanOrEqual(30);
    expect(total).toBeGreaterThan(skipped);
  });
});
