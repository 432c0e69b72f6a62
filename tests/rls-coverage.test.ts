// DESIGN.md §7: every public table has RLS on, policies that name their roles, and an RLS test that
// asserts a denial (tests.assert_denied / tests.assert_filtered) against it in the pgTAP suites.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, DB_URL } from './support/db.js';

let client: pg.Client;
beforeAll(async () => {
  client = await connect('agentbase-tests');
});
afterAll(() => client.end());

interface TableFacts {
  table: string;
  rls: boolean;
  policies: number;
  roleless: number;
}

async function publicTables(): Promise<TableFacts[]> {
  const { rows } = await client.query<TableFacts>(`
    select c.relname as table, c.relrowsecurity as rls,
           (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies,
           (select count(*)::int from pg_policy p where p.polrelid = c.oid and 0 = any (p.polroles)) as roleless
    from pg_class c
    where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p')
    order by 1`);
  return rows;
}

/** The SQL text of every denial assertion in the pgTAP files. */
function denialAssertions(): string[] {
  const dir = join(process.cwd(), 'supabase', 'tests', 'database');
  const found: string[] = [];
  // Recursive: pgTAP lives in one folder per domain (supabase/tests/database/<NNN>_<domain>/).
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.sql'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    const re = /tests\.assert_(?:denied|filtered)\s*\(\s*\$(\w*)\$([\s\S]*?)\$\1\$/g;
    for (const m of text.matchAll(re)) found.push(m[2]!);
  }
  return found;
}

describe('RLS coverage', () => {
  it('checks a non-empty set of tables', async () => {
    expect((await publicTables()).length).toBeGreaterThan(0);
  });

  it('has RLS enabled on every public table', async () => {
    const off = (await publicTables()).filter((t) => !t.rls).map((t) => t.table);
    expect(off).toEqual([]);
  });

  it('has at least one policy on every public table, each naming its roles', async () => {
    const tables = await publicTables();
    expect(tables.filter((t) => t.policies === 0).map((t) => t.table)).toEqual([]);
    expect(tables.filter((t) => t.roleless > 0).map((t) => t.table)).toEqual([]);
  });

  it('has a denial assertion in the pgTAP suites for every public table', async () => {
    const assertions = denialAssertions();
    const uncovered = (await publicTables())
      .map((t) => t.table)
      .filter((table) => !assertions.some((sql) => new RegExp(`(^|[^\\w.])(public\\.)?${table}(?![\\w])`).test(sql)));
    expect(uncovered).toEqual([]);
  });
});
