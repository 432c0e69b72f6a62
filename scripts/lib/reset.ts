// `supabase db reset` against the engine: drops the project's objects, applies every migration, seeds.
import { step, supabase } from './engine.js';

export function resetDatabase(url: string): void {
  const result = step('supabase db reset (all migrations, then the seeds)', () =>
    supabase(['db', 'reset', `--remote=${url}`, '--yes'], { allowFailure: true }));
  const output = result.stdout + result.stderr;
  const shown = output.split('\n').filter((line) => line.trim() !== '');
  process.stderr.write(shown.map((line) => `  ${line}`).join('\n') + '\n');
  if (result.status !== 0) throw new Error(`supabase db reset failed (exit ${result.status})`);
}
