// npm run db:start — a Supabase-like database on 127.0.0.1:54322 without Docker (see DESIGN.md §6).
import { ensureEngine } from './lib/cluster.js';
import { log } from './lib/engine.js';

const { url, kind } = await ensureEngine();
log(`database ready (${kind}): ${url}`);
