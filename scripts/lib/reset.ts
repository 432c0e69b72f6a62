// `supabase db reset` against the engine: drops the project's objects, applies every migration, seeds.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot, step, supabase } from './engine.js';

export function resetDatabase(url: string): void {
  const result = step('supabase db reset (all migrations, then the seeds)', () =>
    supabase(['db', 'reset', `--remote=${url}`, '--yes'], { allowFailure: true }));
  const output = result.stdout + result.stderr;
  const shown = output.split('\n').filter((line) => line.trim() !== '');
  process.stderr.write(shown.map((line) => `  ${line}`).join('\n') + '\n');
  if (result.status !== 0) throw new Error(`supabase db reset failed (exit ${result.status})`);
}

/**
 * Leaves the database as a new, empty project has it: the CLI's own reset, run from a project folder with
 * this config but no migrations and no seed (tests use it to apply the migrations some other way).
 */
export function emptyDatabase(url: string): void {
  const empty = mkdtempSync(join(tmpdir(), 'agentbase-empty-'));
  try {
    mkdirSync(join(empty, 'supabase', 'migrations'), { recursive: true });
    copyFileSync(join(projectRoot, 'supabase', 'config.toml'), join(empty, 'supabase', 'config.toml'));
    const wiped = supabase(['db', 'reset', `--remote=${url}`, '--yes', '--no-seed', '--workdir', empty], { allowFailure: true, quiet: true });
    if (wiped.status !== 0) throw new Error(`could not empty the database: ${wiped.stderr}`);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
}
