// npm run db:stop — stops the local engine's cluster (data is kept under .engine/).
import { stopEngine } from './lib/cluster.js';
import { log } from './lib/engine.js';

log(stopEngine() ? 'local engine stopped' : 'local engine was not running');
