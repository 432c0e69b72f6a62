// npm run db:reset — the main job: engine up, every migration then seed.sql, types regenerated.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureEngine } from './lib/cluster.js';
import { log, main, projectRoot } from './lib/engine.js';
import { resetDatabase } from './lib/reset.js';
import { generateTypes, typesPath } from './lib/types.js';

main(async () => {
  const { url } = await ensureEngine();
  resetDatabase(url);
  const target = join(projectRoot, typesPath);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, await generateTypes(url));
  log(`reset done; wrote ${typesPath}`);
});
