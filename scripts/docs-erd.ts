// npm run docs:erd — writes docs/erd.md (Mermaid ER diagrams per domain) from the live catalog.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureEngine } from './lib/cluster.js';
import { log, main, projectRoot } from './lib/engine.js';
import { erdPath, generateErd } from './lib/erd.js';

main(async () => {
  const { url } = await ensureEngine();
  writeFileSync(join(projectRoot, erdPath), await generateErd(url));
  log(`wrote ${erdPath}`);
});
