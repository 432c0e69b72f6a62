// npm run gen:types — writes types/database.ts from the running database.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureEngine } from './lib/cluster.js';
import { log, main, projectRoot } from './lib/engine.js';
import { generateTypes, typesPath } from './lib/types.js';

main(async () => {
  const { url } = await ensureEngine();
  const target = join(projectRoot, typesPath);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, await generateTypes(url));
  log(`wrote ${typesPath}`);
});
