// Execute grants: the functions anon can execute are exactly the ones docs/hardening.md lists (with the
// reason each is needed), and no function of ours is executable by PUBLIC. Read from the catalog, so a
// function added later with a careless grant fails here.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { connect } from './support/db.js';

let db: pg.Client;
beforeAll(async () => {
  db = await connect('agentbase-execute-grants');
});
afterAll(async () => {
  await db?.end();
});

/** The list under "## Execute grants" in docs/hardening.md: lines "- `schema.fn(args)`: why". */
function documentedAnonFunctions(): string[] {
  const doc = readFileSync(resolve(import.meta.dirname, '..', 'docs', 'hardening.md'), 'utf8');
  const section = doc.split(/^## /m).find((s) => s.startsWith('Execute grants')) ?? '';
  const list = section.split('\n\n').find((block) => /^- `/m.test(block)) ?? '';
  return [...list.matchAll(/^- `([a-z_]+\.[a-z_]+\([^)]*\))`/gm)].map((m) => m[1]!).sort();
}

describe('execute grants', () => {
  it('anon can execute exactly the documented functions', async () => {
    const { rows } = await db.query<{ fn: string }>(
      `select n.nspname || '.' || p.proname || '(' ||
              coalesce((select string_agg(format_type(t.oid, null), ',' order by t.ord) from unnest(p.proargtypes::oid[]) with ordinality t(oid, ord)), '') || ')' as fn
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private') and has_function_privilege('anon', p.oid, 'execute')
        order by 1`);
    const actual = rows.map((r) => r.fn).sort();
    const documented = documentedAnonFunctions();
    expect(documented.length).toBeGreaterThan(0);
    expect(actual).toEqual(documented);
  });

  it('no function in public or private is executable by PUBLIC', async () => {
    const { rows } = await db.query<{ fn: string }>(
      `select p.oid::regprocedure::text as fn
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('public', 'private')
          and (p.proacl is null or exists (select 1 from aclexplode(p.proacl) a where a.grantee = 0 and a.privilege_type = 'EXECUTE'))`);
    expect(rows.map((r) => r.fn)).toEqual([]);
  });
});
