// .github/workflows/db.yml cannot run here (it needs Docker); this keeps it well-formed and in step with
// the project: the YAML parses, the steps run the standard Supabase path in order, and the CLI it uses is
// the exact version package.json pins.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const projectRoot = resolve(import.meta.dirname, '..');
interface Step { name?: string; uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; jobs: Record<string, { 'runs-on': string; steps: Step[] }> }

const workflow = parse(readFileSync(join(projectRoot, '.github', 'workflows', 'db.yml'), 'utf8')) as Workflow;
const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
const runs = steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/db.yml', () => {
  it('runs on pull requests and on main', () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(['pull_request', 'push']));
  });

  it('runs the standard Supabase path in order: start, reset, test, types drift', () => {
    const order = ['npx supabase start', 'npx supabase db reset', 'npx supabase test db', 'npm run gen:types',
      'git diff --exit-code types/database.ts'].map((cmd) => runs.indexOf(cmd));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('uses the Supabase CLI pinned exactly in package.json, installed before it is used', () => {
    expect(pkg.devDependencies.supabase).toMatch(/^\d+\.\d+\.\d+$/);
    const install = runs.indexOf('npm install');
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(runs.indexOf('npx supabase start'));
    expect(runs).not.toMatch(/(?<!npx )\bsupabase (start|stop|db|test|gen|link)\b/); // never a global, unpinned CLI
  });

  it('pins every action to a major version and checks the types against the local stack', () => {
    for (const s of steps.filter((st) => st.uses)) expect(s.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    const drift = steps.find((s) => s.run?.includes('npm run gen:types'));
    expect(drift?.env?.SUPABASE_DB_URL).toBe('postgresql://postgres:postgres@127.0.0.1:54322/postgres');
  });
});
