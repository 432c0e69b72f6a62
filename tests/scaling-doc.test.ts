// docs/scaling.md claims a list of what blocks distributing the schema by workspace_id; the list is
// computed from the catalog, so the claim stays true as the schema grows (npm run docs:distribution).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { distributionBlock, distributionProblems, extractDistributionBlock } from '../scripts/lib/distribution.js';
import { DB_URL } from './support/db.js';

const doc = readFileSync(join(resolve(import.meta.dirname, '..'), 'docs', 'scaling.md'), 'utf8');

describe('docs/scaling.md distribution list', () => {
  it('matches the catalog (run npm run docs:distribution and commit when this fails)', async () => {
    expect(extractDistributionBlock(doc)).toBe(distributionBlock(await distributionProblems(DB_URL)).trim());
  });

  it('flags a unique key without workspace_id and a foreign key that does not match on it', async () => {
    const problems = await distributionProblems(DB_URL);
    // workspace_members' key is (workspace_id, user_id): distributable; workspaces is the root.
    expect(problems.filter((p) => p.table === 'workspace_members')).toEqual([]);
    // Every table reported has a concrete reason naming the key or constraint.
    for (const p of problems) expect(p.problem).toMatch(/^(primary key|unique index \S+|foreign key \S+ to \S+|no workspace_id)/);
  });
});
