// The two queue migrations keep only what differs: no block of six or more code lines repeats between
// them once the queue-specific names are set aside (the shared shape lives in the queue core). And the
// code the queue core generates is static: no queue function runs dynamic SQL on the hot path.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from './support/db.js';

const dir = join(process.cwd(), 'supabase', 'migrations');
const commandFile = '20261122000400_command_queue.sql';
const inboxFile = '20261122000500_inbox_queue.sql';
const window = 6;

/** Queue-specific names, most specific first, and the placeholder each becomes. */
const names: [RegExp, string][] = [
  [/agent_command_events|agent_inbox_events/g, 'EVENTS'],
  [/agent_commands|agent_inbox_items/g, 'TABLE'],
  [/command_status|inbox_item_status/g, 'STATUS'],
  [/command_id|item_id/g, 'KEY'],
  [/inbox_items|commands/g, 'ITEMS'],
  [/inbox_item|command|inbox/g, 'ITEM'],
  [/gateways|agents/g, 'OWNERS'],
  [/gateway|agent/g, 'OWNER'],
  [/\b[acgin]\b/g, 'ALIAS'],
];

/** Code lines (no blanks, no comment-only lines) with names set aside and whitespace collapsed. */
function codeLines(sql: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  sql.split('\n').forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('--')) return;
    let text = trimmed;
    for (const [re, to] of names) text = text.replace(re, to);
    out.push({ line: i + 1, text: text.replace(/\s+/g, ' ') });
  });
  return out;
}

/** Blocks of `size` consecutive code lines of `a` that also occur in `b`, as "lineA~lineB". */
function repeatedBlocks(a: string, b: string, size = window): string[] {
  const left = codeLines(a);
  const right = codeLines(b);
  const seen = new Map<string, number>();
  for (let j = 0; j + size <= right.length; j++) {
    seen.set(right.slice(j, j + size).map((l) => l.text).join('\n'), right[j]!.line);
  }
  const found: string[] = [];
  for (let i = 0; i + size <= left.length; i++) {
    const at = seen.get(left.slice(i, i + size).map((l) => l.text).join('\n'));
    if (at !== undefined) found.push(`${left[i]!.line}~${at}: ${left[i]!.text}`);
  }
  return found;
}

describe('queue migrations', () => {
  it('repeat no block of six code lines between the command and inbox queues (names aside)', () => {
    const command = readFileSync(join(dir, commandFile), 'utf8');
    const inbox = readFileSync(join(dir, inboxFile), 'utf8');
    expect(repeatedBlocks(command, inbox)).toEqual([]);
  });

  it('detects a repeated block when there is one (the check is not vacuous)', () => {
    const block = ['select 1;', 'select 2;', 'select 3;', 'select 4;', 'select 5;', 'update agent_commands c set x = 1;'];
    const other = [...block.slice(0, 5), 'update agent_inbox_items i set x = 1;'];
    expect(repeatedBlocks(block.join('\n'), other.join('\n'))).toHaveLength(1);
    expect(repeatedBlocks(block.join('\n'), other.slice(1).join('\n'))).toEqual([]);
  });
});

describe('queue functions in the database', () => {
  let client: pg.Client;
  beforeAll(async () => {
    client = await connect('agentbase-tests');
  });
  afterAll(() => client.end());

  it('contain no dynamic SQL and the migration-time builder is gone', async () => {
    const { rows } = await client.query<{ fn: string; src: string }>(`
      select p.oid::regprocedure::text as fn, p.prosrc as src
      from pg_proc p
      where p.pronamespace in ('public'::regnamespace, 'private'::regnamespace)
        and (p.proname ~ '(command|inbox|queue)')`);
    expect(rows.length).toBeGreaterThan(30);
    // Comments may say "execute"; only code counts.
    const code = (src: string): string => src.replace(/--[^\n]*/g, '');
    expect(rows.filter((r) => /\bexecute\b|\bformat\s*\(/i.test(code(r.src))).map((r) => r.fn)).toEqual([]);
    expect(rows.filter((r) => /^private\.queue_(render|define|build)/.test(r.fn)).map((r) => r.fn)).toEqual([]);
  });
});
