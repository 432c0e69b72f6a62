// npm run db:start — a Supabase-like database on 127.0.0.1:54322 without Docker (see docs/local-engine.md).
import { ensureEngine } from './lib/cluster.js';
import { log, main } from './lib/engine.js';

main(async () => {
  const { url, kind } = await ensureEngine();
  log(`database ready (${kind}): ${url}`);
});
