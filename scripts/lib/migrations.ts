// The checkout's migrations as the Supabase CLI sees them, and the public objects they promise.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './engine.js';

export const migrationsDir = join(projectRoot, 'supabase', 'migrations');

export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** Files the CLI applies (`<digits>_<name>.sql`), in the order it applies them (version string order). */
export function localMigrations(): Migration[] {
  return readdirSync(migrationsDir)
    .map((file) => /^(\d+)_(.*)\.sql$/.exec(file))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ version: m[1]!, name: m[2]!, file: m[0] }))
    .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0));
}

/**
 * Tables and RPCs the checkout's schema has in `public`, read from the committed generated types
 * (types/database.ts lists every table and function of the exposed schema, whichever migration made it).
 */
export function expectedObjects(): { kind: 'table' | 'function'; name: string }[] {
  const types = readFileSync(join(projectRoot, 'types', 'database.ts'), 'utf8').split('\n');
  const publicStart = types.findIndex((line) => line === '  public: {');
  const found: { kind: 'table' | 'function'; name: string }[] = [];
  let section: 'table' | 'function' | null = null;
  for (const line of types.slice(publicStart + 1)) {
    if (/^  \S/.test(line)) break; // the next schema
    if (line === '    Tables: {') section = 'table';
    else if (line === '    Functions: {') section = 'function';
    else if (/^    \S/.test(line)) section = null;
    const key = /^      ([a-z_][a-z0-9_]*): /.exec(line);
    if (section && key) found.push({ kind: section, name: key[1]! });
  }
  return found.sort((a, b) => `${a.kind}${a.name}`.localeCompare(`${b.kind}${b.name}`));
}
