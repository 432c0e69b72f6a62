// Statement and branch coverage of every PL/pgSQL function in `public` and `private`, from
// plpgsql_check's profiler (preloaded by the engine, plpgsql_check.profiler = on, counters in shared
// memory). The suites reset the database and even crash the server, which gives functions new oids or
// wipes the counters, so the counters are harvested into a file after pgTAP and after every vitest file
// (tests/support/coverage-setup.ts) and merged by function signature and body: a statement counts as
// covered when any harvest saw it run.
//
// A branch is one arm of an IF (then, each elsif, else) or CASE (each when, else) with a statement in it,
// and it is covered when its first statement ran. Implicit empty arms are not counted.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineDir, query } from './engine.js';

export const coverageFile = process.env.AGENTBASE_COVERAGE_FILE?.trim() || join(engineDir, 'coverage.json');

interface Stmt {
  parent: number | null;
  note: string | null;
  name: string;
  line: number;
  ran: boolean;
}
/** signature -> body digest -> statement id -> statement */
type CoverageData = Record<string, Record<string, Record<string, Stmt>>>;

function load(file: string): CoverageData {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as CoverageData) : {};
}

/** True when the server collects profiles (plpgsql_check preloaded, profiler on). */
export async function profilerActive(url: string): Promise<boolean> {
  const rows = await query<{ on: string | null }>(url, `select current_setting('plpgsql_check.profiler', true) as on`);
  return rows[0]?.on === 'on';
}

/** Reads the profiler's counters of every current PL/pgSQL function and merges them into the file. */
export async function harvestCoverage(url: string, file = coverageFile): Promise<number> {
  await query(url, 'create extension if not exists plpgsql_check with schema extensions');
  const rows = await query<{ sig: string; body: string; stmtid: number; parent: number | null; note: string | null;
    name: string; line: number; ran: boolean }>(url,
    `select p.oid::regprocedure::text as sig, md5(p.prosrc) as body, s.stmtid, s.parent_stmtid as parent,
            s.parent_note as note, s.stmtname as name, s.lineno as line, s.exec_stmts > 0 as ran
       from pg_proc p
       join pg_namespace n on n.oid = p.pronamespace
       join pg_language l on l.oid = p.prolang
       cross join lateral extensions.plpgsql_profiler_function_statements_tb(p.oid::regprocedure) s
      where n.nspname in ('public', 'private') and l.lanname = 'plpgsql'`);
  const data = load(file);
  for (const r of rows) {
    const byBody = (data[r.sig] ??= {});
    const stmts = (byBody[r.body] ??= {});
    const prev = stmts[r.stmtid];
    stmts[r.stmtid] = { parent: r.parent, note: r.note, name: r.name, line: r.line, ran: r.ran || (prev?.ran ?? false) };
  }
  writeFileSync(file, JSON.stringify(data));
  return rows.length;
}

export interface FunctionCoverage {
  signature: string;
  statements: number;
  statementsRun: number;
  branches: number;
  branchesRun: number;
}

/** Coverage of the functions as they are now in the database (their current bodies), from the file. */
export async function coverageReport(url: string, file = coverageFile): Promise<FunctionCoverage[]> {
  const current = await query<{ sig: string; body: string }>(url,
    `select p.oid::regprocedure::text as sig, md5(p.prosrc) as body
       from pg_proc p join pg_namespace n on n.oid = p.pronamespace join pg_language l on l.oid = p.prolang
      where n.nspname in ('public', 'private') and l.lanname = 'plpgsql' order by 1`);
  const data = load(file);
  return current.map(({ sig, body }) => {
    const stmts = data[sig]?.[body] ?? {};
    // The outermost block (no parent) is the function itself, not a statement a test can miss.
    const list = Object.entries(stmts).map(([id, s]) => ({ id: Number(id), ...s })).filter((s) => s.parent !== null);
    const arms = new Map<string, boolean>();
    const byId = new Map(list.map((s) => [s.id, s]));
    for (const s of list.sort((a, b) => a.id - b.id)) {
      const parent = s.parent === null ? undefined : byId.get(s.parent);
      if (!parent || !/^(IF|CASE)$/i.test(parent.name) || s.note === null) continue;
      const key = `${s.parent}:${s.note}`;
      if (!arms.has(key)) arms.set(key, s.ran);
    }
    return {
      signature: sig,
      statements: list.length,
      statementsRun: list.filter((s) => s.ran).length,
      branches: arms.size,
      branchesRun: [...arms.values()].filter(Boolean).length,
    };
  });
}

export function pct(run: number, total: number): string {
  return total === 0 ? '   -  ' : `${((100 * run) / total).toFixed(1).padStart(5)}%`;
}
