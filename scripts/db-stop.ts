// npm run db:stop — stops this checkout's local engine; `npm run db:stop -- --remove` also deletes its data.
import { removeEngine, stopEngine } from './lib/cluster.js';
import { engineDir, log, main } from './lib/engine.js';

main(() => {
  if (process.argv.includes('--remove')) {
    log(removeEngine() ? `local engine stopped and ${engineDir} removed` : `nothing to remove at ${engineDir}`);
  } else {
    log(stopEngine() ? `local engine stopped (data kept in ${engineDir})` : 'local engine was not running');
  }
});
