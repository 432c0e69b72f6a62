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

/** Tables and functions the migrations create in `public`, read from their create statements. */
export function expectedObjects(): { kind: 'table' | 'function'; name: string }[] {
  const found = new Map<string, { kind: 'table' | 'function'; name: string }>();
  for (const m of localMigrations()) {
    const sql = readFileSync(join(migrationsDir, m.file), 'utf8').replace(/--[^\n]*/g, '');
    for (const t of sql.matchAll(/create\s+table\s+(?:if\s+not\s+exists\s+)?public\.("?)([a-z_][a-z0-9_]*)\1/gi)) {
      found.set(`table:${t[2]}`, { kind: 'table', name: t[2]!.toLowerCase() });
    }
    for (const f of sql.matchAll(/create\s+(?:or\s+replace\s+)?function\s+public\.("?)([a-z_][a-z0-9_]*)\1\s*\(/gi)) {
      found.set(`function:${f[2]}`, { kind: 'function', name: f[2]!.toLowerCase() });
    }
    // A later migration may drop what an earlier one made.
    for (const d of sql.matchAll(/drop\s+(table|function)\s+(?:if\s+exists\s+)?public\.("?)([a-z_][a-z0-9_]*)\2/gi)) {
      found.delete(`${d[1]!.toLowerCase()}:${d[3]}`);
    }
  }
  return [...found.values()].sort((a, b) => `${a.kind}${a.name}`.localeCompare(`${b.kind}${b.name}`));
}
