// The pgTAP files must pass unchanged under `supabase test db`, which runs
// `pg_prove --ext .pg --ext .sql -r supabase/tests` in its own container after creating pgtap in
// `extensions`. What can be checked without Docker: which files that picks and in what order, and that
// every file stands alone (its own transaction, a plan, a finish, no psql meta-commands).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const projectRoot = resolve(import.meta.dirname, '..');
const testsRoot = join(projectRoot, 'supabase', 'tests');

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [relative(projectRoot, path)];
  });
}

// The CLI runner's selection and order, asked of pg_prove itself.
const cliOrder = execFileSync('pg_prove', ['--dry', '--ext', '.pg', '--ext', '.sql', '-r', 'supabase/tests'], {
  cwd: projectRoot,
  encoding: 'utf8',
}).split('\n').filter((line) => line.trim().startsWith('supabase/tests/') && /\.(sql|pg)$/.test(line.trim())).map((line) => line.trim());

/** SQL with comments and dollar-quoted bodies blanked, so only top-level statements remain. */
function topLevel(sql: string): string {
  return sql.replace(/\$([A-Za-z_]*)\$[\s\S]*?\$\1\$/g, "''").replace(/--[^\n]*/g, '');
}

describe('pgTAP files under supabase/tests', () => {
  it('are all picked up by the CLI runner (no file it would skip)', () => {
    expect(cliOrder.length).toBeGreaterThan(0);
    expect([...cliOrder].sort()).toEqual(allFiles(testsRoot).sort());
  });

  it('run the shared helpers first', () => {
    expect(cliOrder[0]).toBe('supabase/tests/database/000_helpers.test.sql');
  });

  it('are named <NNN>_<name>.test.sql, in NNN_<domain> folders or at the top level', () => {
    for (const file of cliOrder) {
      const inside = relative('supabase/tests/database', file);
      expect(inside, file).toMatch(/^(\d{3}_[a-z0-9_]+\/)?\d{2,3}_[a-z0-9_]+\.test\.sql$/);
    }
  });

  for (const file of cliOrder) {
    it(`${file} stands alone: one transaction, a plan, a finish, no psql meta-commands`, () => {
      const sql = readFileSync(join(projectRoot, file), 'utf8');
      const statements = topLevel(sql);
      expect(statements.split('\n').filter((line) => /^\s*\\/.test(line)), 'psql meta-commands').toEqual([]);
      // Everything a file changes is rolled back, except the helpers file, which installs schema `tests`.
      const begin = statements.search(/^\s*begin\s*;/im);
      expect(begin, 'begin;').toBeGreaterThanOrEqual(0);
      expect(statements.trimEnd()).toMatch(/rollback\s*;$/i);
      expect(statements).toMatch(/select\s+(plan\(\s*\d+\s*\)|no_plan\(\))/i);
      expect(statements).toMatch(/select\s+\*\s+from\s+finish\(\)/i);
      if (!file.endsWith('000_helpers.test.sql')) {
        expect(statements.slice(0, begin).trim(), 'statements before begin;').toBe('');
      }
    });
  }
});
