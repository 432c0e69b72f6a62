// Policy mutation check: every RLS expression must be needed by at least one pgTAP assertion.
//
// For each policy on a `public` table (and on storage.objects), each of its USING / WITH CHECK
// expressions is replaced by `true` inside a transaction, the pgTAP files that mention the table run in
// that same transaction (each file inside a savepoint instead of its own begin/rollback), and the
// transaction is rolled back: the mutation never outlives its psql session, even when a file fails or
// the process dies. A mutation is caught when any assertion fails, a plan is not met, or a file errors.
// Mutations that survive the selected files are re-run against every file before being reported, so a
// survivor is a real gap in the suite, not an artefact of the selection. Everything is read from the
// catalog: policies added later are mutated without changes here.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot, query, run } from './engine.js';
import { pgEnv } from './snapshot.js';

export interface PolicyExpr {
  schema: string;
  table: string;
  policy: string;
  cmd: string;
  clause: 'using' | 'with check';
  /** the policy's comment, where a provably redundant expression says what holds instead */
  comment: string | null;
}

export interface MutationResult extends PolicyExpr {
  caught: boolean;
  /** survived, and the policy's comment documents this clause as redundant (a test proves the guard) */
  redundant: boolean;
  /** the first failing assertion or error, as evidence */
  evidence: string;
  files: number;
}

const testsDir = join(projectRoot, 'supabase', 'tests');
const helpersFile = join(testsDir, 'database', '000_helpers.test.sql');

export function pgTapFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(sql|pg)$/.test(entry.name)) files.push(path);
    }
  };
  walk(testsDir);
  return files;
}

/** The file as a savepoint-scoped block: its own `begin;` / final `rollback;` become savepoint commands. */
export function asSavepointBlock(file: string): string {
  const text = readFileSync(file, 'utf8');
  const begin = /^begin;[ \t]*$/m;
  const end = /^rollback;[ \t]*$(?![\s\S]*^rollback;)/m;
  if (!begin.test(text) || !end.test(text)) {
    throw new Error(`${relative(projectRoot, file)} does not have the begin; ... rollback; shape`);
  }
  return text.replace(begin, 'savepoint mutation_file;').replace(end, 'rollback to savepoint mutation_file;');
}

export async function policyExpressions(url: string): Promise<PolicyExpr[]> {
  const rows = await query<{ schema: string; table: string; policy: string; cmd: string; qual: string | null; with_check: string | null;
    comment: string | null }>(
    url,
    `select p.schemaname as schema, p.tablename as table, p.policyname as policy, p.cmd, p.qual, p.with_check,
            obj_description(pp.oid, 'pg_policy') as comment
       from pg_policies p
       join pg_policy pp on pp.polname = p.policyname and pp.polrelid = format('%I.%I', p.schemaname, p.tablename)::regclass
      where p.schemaname = 'public' or (p.schemaname = 'storage' and p.tablename = 'objects')
      order by 1, 2, 3`,
  );
  const out: PolicyExpr[] = [];
  for (const r of rows) {
    const base = { schema: r.schema, table: r.table, policy: r.policy, cmd: r.cmd, comment: r.comment };
    if (r.qual !== null && r.qual !== 'true') out.push({ ...base, clause: 'using' });
    if (r.with_check !== null && r.with_check !== 'true') out.push({ ...base, clause: 'with check' });
  }
  return out;
}

/** The test files that can observe a policy of this table: those that name it. */
export function filesFor(table: string, all: string[]): string[] {
  const word = new RegExp(`\\b${table}\\b`);
  const hits = all.filter((f) => f !== helpersFile && word.test(readFileSync(f, 'utf8')));
  // RLS files first: they are where a weakened policy is most likely to show, and the run stops there.
  return [...hits.filter((f) => /rls/.test(f)), ...hits.filter((f) => !/rls/.test(f))];
}

const ident = (s: string): string => `"${s.replace(/"/g, '""')}"`;

/**
 * Runs `files` in one transaction after `mutation` (SQL, may be empty) and rolls back; resolves to the first
 * failure line or ''. Output is read as it streams and psql is stopped at the first failure: closing the
 * session rolls the transaction (and the mutation) back, so a caught mutation costs only the assertions
 * up to the one that noticed it.
 */
export function runFilesInTransaction(url: string, mutation: string, files: string[]): Promise<string> {
  const script = [
    '\\set ON_ERROR_STOP 0',
    'begin;',
    mutation,
    "\\echo '# mutated'",
    ...files.map((f) => `\\echo '# file ${relative(projectRoot, f)}'\n${asSavepointBlock(f)}`),
    'rollback;',
  ].join('\n');
  return new Promise((resolvePromise, reject) => {
    // stderr joined into stdout, so an error is seen in order with the markers.
    const child = spawn('sh', ['-c', 'exec psql -X -q -At -v VERBOSITY=terse 2>&1'], { env: pgEnv(url), stdio: ['pipe', 'pipe', 'inherit'] });
    let buffer = '';
    let mutated = false;
    let settled = false;
    const finish = (value: string | Error): void => {
      if (settled) return;
      settled = true;
      if (child.exitCode === null) child.kill('SIGTERM');
      if (value instanceof Error) reject(value);
      else resolvePromise(value);
    };
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const l of lines) {
        if (l === '# mutated') mutated = true;
        else if (!mutated && /ERROR:/.test(l)) finish(new Error(`could not apply the mutation (${mutation}): ${l}`));
        else if (/^not ok\b/.test(l) || /Looks like you/.test(l) || /\bERROR:/.test(l) || /FATAL/.test(l)) finish(l);
      }
    });
    child.on('error', (e) => finish(e));
    child.on('close', (code) => finish(code === 0 ? '' : `psql exited with ${code}`));
    child.stdin.on('error', () => undefined);
    child.stdin.end(script);
  });
}

export function installHelpers(url: string): void {
  run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'create extension if not exists pgtap with schema extensions', '-f', helpersFile],
    { env: pgEnv(url), stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function mutationCheck(
  url: string,
  onResult: (r: MutationResult, index: number, total: number) => void = () => undefined,
): Promise<{ results: MutationResult[]; baseline: string }> {
  installHelpers(url);
  const all = pgTapFiles();
  // The suite itself must pass in this harness, or no mutation result means anything.
  const baseline = await runFilesInTransaction(url, '', all.filter((f) => f !== helpersFile));
  if (baseline) return { results: [], baseline };
  // AGENTBASE_MUTATIONS_ONLY=<regex> narrows the run to matching "table.policy clause" (a fast loop while
  // writing the test for one survivor).
  const only = process.env.AGENTBASE_MUTATIONS_ONLY?.trim();
  const exprs = (await policyExpressions(url)).filter((e) => !only || new RegExp(only).test(`${e.table}.${e.policy} ${e.clause}`));
  const results: MutationResult[] = [];
  for (const [i, e] of exprs.entries()) {
    const mutation = `alter policy ${ident(e.policy)} on ${ident(e.schema)}.${ident(e.table)} ${e.clause} (true);`;
    let files = filesFor(e.table, all);
    let evidence = files.length > 0 ? await runFilesInTransaction(url, mutation, files) : '';
    if (!evidence) {
      files = all.filter((f) => f !== helpersFile);
      evidence = await runFilesInTransaction(url, mutation, files);
    }
    const caught = evidence !== '';
    const redundant = !caught && new RegExp(`${e.clause} is redundant`, 'i').test(e.comment ?? '');
    const r: MutationResult = { ...e, caught, redundant, evidence, files: files.length };
    results.push(r);
    onResult(r, i, exprs.length);
  }
  return { results, baseline: '' };
}
