// npm run test:mutations — replaces each RLS policy expression with `true`, one at a time, and checks that
// the pgTAP suite notices. Prints caught/total; exits 1 when any mutation survives.
import { ensureEngine } from './lib/cluster.js';
import { log, main } from './lib/engine.js';
import { mutationCheck } from './lib/mutations.js';

main(async () => {
  const { url } = await ensureEngine();
  const started = Date.now();
  const { results, baseline } = await mutationCheck(url, (r, i, total) => {
    const verdict = r.caught ? 'caught   ' : r.redundant ? 'redundant' : 'SURVIVED ';
    log(`${String(i + 1).padStart(3)}/${total} ${verdict} ${r.schema}.${r.table} ${r.policy} ${r.clause} (${r.files} files)`);
  });
  if (baseline) throw new Error(`the pgTAP suite fails without any mutation, so mutations cannot be judged: ${baseline}`);
  const caught = results.filter((r) => r.caught).length;
  const redundant = results.filter((r) => r.redundant);
  const survived = results.filter((r) => !r.caught && !r.redundant);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  for (const r of redundant) console.log(`redundant (documented on the policy): ${r.schema}.${r.table} ${r.policy} ${r.clause}`);
  for (const r of survived) console.log(`SURVIVED: ${r.schema}.${r.table} policy ${r.policy} (${r.cmd}) ${r.clause} -> true`);
  console.log(`mutation score: ${caught + redundant.length}/${results.length} policy expressions ` +
    `(${caught} caught by a failing test, ${redundant.length} proven redundant), ${survived.length} survived (${seconds} s)`);
  if (survived.length > 0) process.exitCode = 1;
});
