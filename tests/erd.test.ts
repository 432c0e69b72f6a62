// docs/erd.md is generated from the catalog (npm run docs:erd); it must match the schema the suite runs on.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { erdPath, generateErd } from '../scripts/lib/erd.js';
import { DB_URL } from './support/db.js';

const projectRoot = resolve(import.meta.dirname, '..');

describe('docs/erd.md', () => {
  it('matches a fresh generation from the catalog (run npm run docs:erd and commit it when this fails)', async () => {
    const fresh = await generateErd(DB_URL);
    expect(readFileSync(join(projectRoot, erdPath), 'utf8')).toBe(fresh);
  });

  it('draws every public table and every foreign key between them', async () => {
    const fresh = await generateErd(DB_URL);
    expect(fresh).toMatch(/^  workspaces \{$/m);
    expect(fresh).toMatch(/^  workspaces \|\|--o\{ workspace_members : "workspace_id"$/m);
    expect(fresh).toMatch(/^  agents \|o--o\{ agents : "workspace_id, reports_to"$/m);
  });
});
