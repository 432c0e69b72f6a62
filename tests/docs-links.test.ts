// The docs stand alone: every relative markdown link and every backticked repository path in README.md
// and docs/*.md points at something that exists in the repository.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = process.cwd();
const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Folders where a bare file name (`20261122000400_command_queue.sql`) is looked up. */
const bareNameHomes = ['supabase', 'supabase/migrations', 'supabase/tests/database', 'tests', 'scripts', 'scripts/lib', 'bench', 'docs', 'types'];

/** Git-ignored local state the docs may name (the engine folder): never in a clone. */
const ignored = readFileSync(join(root, '.gitignore'), 'utf8')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#') && !l.includes('*'));

/** Text outside fenced code blocks (layouts and examples there are illustrations, not citations). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

const fileLike = /^(\.{0,2}\/)?[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*\/?$/;
const knownExt = /\.(sql|ts|md|json|toml|sh|yml|yaml)$/;

/** Top-level entries of the repository: a slash path starting with one of them is a repository path. */
const topLevel = new Set(readdirSync(root).filter((e) => e !== '.git'));

function looksLikePath(s: string): boolean {
  if (!fileLike.test(s) || /^https?:/.test(s)) return false;
  // A file name with a known extension, or a path that starts in one of the repository's folders.
  if (knownExt.test(s)) return true;
  return s.includes('/') && topLevel.has(s.replace(/^\.\//, '').split('/')[0]!);
}

function resolves(doc: string, target: string): boolean {
  const clean = target.replace(/[#?].*$/, '').replace(/\/$/, '');
  if (clean === '') return true;
  if (ignored.some((i) => clean === i.replace(/\/$/, '') || clean.startsWith(i))) return true;
  const candidates = [join(root, dirname(doc), clean), join(root, clean)];
  if (!clean.includes('/')) candidates.push(...bareNameHomes.map((d) => join(root, d, clean)));
  return candidates.some((c) => existsSync(c));
}

/** Bare names may also live one folder down (a pgTAP domain folder). */
function resolvesDeep(name: string): boolean {
  const walk = (dir: string): boolean =>
    readdirSync(dir).some((e) => {
      const p = join(dir, e);
      return e === name || (statSync(p).isDirectory() && walk(p));
    });
  return walk(join(root, 'supabase', 'tests'));
}

function citations(doc: string): { target: string; kind: string }[] {
  const text = prose(readFileSync(join(root, doc), 'utf8'));
  const found: { target: string; kind: string }[] = [];
  for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (!/^(https?:|mailto:|#)/.test(m[1]!)) found.push({ target: m[1]!, kind: 'link' });
  }
  for (const m of text.matchAll(/`([^`\n]+)`/g)) {
    if (looksLikePath(m[1]!)) found.push({ target: m[1]!, kind: 'path' });
  }
  return found;
}

describe('docs', () => {
  it('cite at least the architecture page from the README and the schema map', () => {
    const all = docs.flatMap((d) => citations(d).map((c) => c.target));
    expect(all.length).toBeGreaterThan(20);
    expect(existsSync(join(root, 'docs', 'architecture.md'))).toBe(true);
  });

  it.each(docs)('%s: every relative link and cited path exists', (doc) => {
    const missing = citations(doc)
      .filter((c) => !resolves(doc, c.target) && !(c.kind === 'path' && !c.target.includes('/') && resolvesDeep(c.target)))
      .map((c) => `${c.kind} ${c.target}`);
    expect(missing, `in ${relative(root, join(root, doc))}`).toEqual([]);
  });

  it('never point outside the repository to design notes or reference folders', () => {
    const outside = docs.filter((d) => /DESIGN(\.md)?\b|\breference\//.test(readFileSync(join(root, d), 'utf8')));
    expect(outside).toEqual([]);
  });

  it('the checker notices a missing file', () => {
    expect(looksLikePath('docs/nowhere.md')).toBe(true);
    expect(resolves('docs/architecture.md', 'nowhere.md')).toBe(false);
    expect(looksLikePath('private.sweep_queues()')).toBe(false);
    expect(looksLikePath('auth.users')).toBe(false);
    expect(looksLikePath('pending/leased')).toBe(false);
    expect(looksLikePath('supabase/tests/database/')).toBe(true);
  });
});
