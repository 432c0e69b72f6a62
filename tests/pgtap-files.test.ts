// Every pgTAP file is self-contained, so any runner can take it alone or in any folder order
// (`supabase test db` runs each file under supabase/tests with pg_prove): one transaction that it rolls
// back, a plan, a finish, and no psql meta-commands.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const dir = join(process.cwd(), 'supabase', 'tests', 'database');
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.sql'))
  .sort();

describe('pgTAP files', () => {
  it('are organised as the helpers first, then a folder per domain', () => {
    expect(files[0]).toBe('000_helpers.test.sql');
    expect(files.filter((f) => f.includes('/')).length).toBeGreaterThan(30);
  });

  it.each(files)('%s is self-contained', (file) => {
    const text = readFileSync(join(dir, file), 'utf8');
    const code = text.split('\n').filter((l) => !l.trim().startsWith('--'));
    expect(code.some((l) => /^\s*\\/.test(l)), 'no psql meta-commands').toBe(false);
    expect(text).toMatch(/^begin;$/m);
    expect(text).toMatch(/^select plan\(\d+\);$/m);
    expect(text).toMatch(/^select \* from finish\(\);\s*rollback;\s*$/m);
  });
});
