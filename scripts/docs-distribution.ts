// npm run docs:distribution — rewrites the list in docs/scaling.md of what blocks distributing the schema
// by workspace_id (keys and foreign keys that a co-located, hash-distributed table could not keep).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEngine } from './lib/cluster.js';
import { distributionBlock, distributionProblems, replaceDistributionBlock } from './lib/distribution.js';
import { log, main, projectRoot } from './lib/engine.js';

main(async () => {
  const { url } = await ensureEngine();
  const path = join(projectRoot, 'docs', 'scaling.md');
  const problems = await distributionProblems(url);
  writeFileSync(path, replaceDistributionBlock(readFileSync(path, 'utf8'), distributionBlock(problems)));
  log(`docs/scaling.md: ${problems.length} distribution blockers listed`);
});
