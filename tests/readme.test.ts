// The README is followed by new users without help, so what it shows must work: its TypeScript compiles
// (each ```ts block lives in examples/, which tsc checks), every `npm run` it names exists, and every
// script in package.json is documented. tests/first-run.test.ts runs its commands from a fresh clone.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const scripts = Object.keys((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts);

/** Code without imports, comments-only lines or layout, so a snippet matches its compiled copy. */
const normalize = (code: string): string =>
  code.split('\n').filter((l) => !/^\s*import\s/.test(l) && !/^\s*\/\//.test(l)).join(' ').replace(/\s+/g, ' ').trim();

const readmeCommands = [...new Set([...readme.matchAll(/npm run ([a-z][a-z0-9:-]*)/g)].map((m) => m[1]!))];

describe('README.md', () => {
  it('quotes only TypeScript that is compiled (every ```ts block is in examples/)', () => {
    const examples = readdirSync(join(root, 'examples')).filter((f) => f.endsWith('.ts'))
      .map((f) => normalize(readFileSync(join(root, 'examples', f), 'utf8'))).join(' ');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks.length).toBeGreaterThan(0);
    for (const block of blocks) expect(examples, block.slice(0, 80)).toContain(normalize(block));
  });

  it('names only npm scripts that exist', () => {
    expect(readmeCommands.length).toBeGreaterThan(5);
    for (const command of readmeCommands) expect(scripts, command).toContain(command);
  });

  it('documents every npm script', () => {
    for (const script of scripts.filter((s) => s !== 'test:vitest' && s !== 'test')) {
      expect(readme, script).toContain(`npm run ${script}`);
    }
  });
});
