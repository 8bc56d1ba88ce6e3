import * as fs from 'fs';
import * as path from 'path';
import { describe, expect, test } from 'vitest';

/**
 * The rules of docs/architecture.md ("who may know whom"), checked on the sources: every
 * relative import of every lib/ file, by module folder.
 */
const LIB = path.join(__dirname, '..', '..', 'lib');

/** For each module, the modules it may import (besides itself). */
const MAY_IMPORT: Record<string, string[]> = {
  net: [],
  core: ['net'],
  carp: ['core', 'net'],
  haproxy: ['core', 'net', 'carp'],
  pf: ['core', 'net', 'carp'],
  acme: ['core', 'net', 'haproxy'],
  failover: ['core', 'net', 'carp', 'haproxy'],
  deploy: ['core', 'net', 'carp', 'haproxy', 'pf', 'failover', 'acme'],
  diagram: ['core', 'net', 'carp', 'haproxy', 'pf'],
  testing: ['core', 'net', 'carp', 'haproxy', 'pf'],
  cli: ['core', 'net', 'diagram', 'haproxy'], // haproxy: `--check` runs HaproxyCheck
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'templates' ? [] : sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** Relative imports of a file (static `import … from`, `export … from`, `require()`, `import()`). */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](\.[^'"]+)['"]/g)) out.push(m[1]);
  return out;
}

function moduleOf(file: string): string {
  return path.relative(LIB, file).split(path.sep)[0];
}

describe('architecture: who may know whom', () => {
  const files = sources(LIB).filter((f) => path.dirname(f) !== LIB); // lib/index.ts exports everything

  test('every lib/ module folder has a rule', () => {
    const modules = [...new Set(files.map(moduleOf))].sort();
    expect(modules.filter((m) => !(m in MAY_IMPORT))).toEqual([]);
  });

  test('no module imports one it may not know (core knows no domain, CARP no service or firewall, PF no HAProxy, the library never the CLI)', () => {
    const violations: string[] = [];
    for (const f of files) {
      const from = moduleOf(f);
      for (const spec of importsOf(f)) {
        const target = path.resolve(path.dirname(f), spec);
        if (!target.startsWith(LIB + path.sep)) continue; // package.json and the like
        const to = moduleOf(target);
        if (to === from || to.endsWith('.ts') || to === 'index') continue;
        // The one exception: value types throw the ValidationError of every layer.
        if (from === 'net' && path.relative(LIB, target).replace(/\.ts$/, '') === path.join('core', 'errors')) continue;
        if (!MAY_IMPORT[from]?.includes(to)) violations.push(`${path.relative(LIB, f)} imports ${spec} (${from} → ${to})`);
      }
    }
    expect(violations).toEqual([]);
  });

  test('no process-wide state: no globalThis, no prepare hooks, no memo cache in lib/', () => {
    const found: string[] = [];
    for (const f of sources(LIB)) {
      const text = fs.readFileSync(f, 'utf8');
      for (const word of ['globalThis', 'processWide', 'addPrepare', 'synthMemo']) {
        if (text.includes(word)) found.push(`${path.relative(LIB, f)}: ${word}`);
      }
    }
    expect(found).toEqual([]);
  });

  test('one concept per file: no lib/ source over 450 lines', () => {
    const long = sources(LIB)
      .map((f) => ({ f: path.relative(LIB, f), n: fs.readFileSync(f, 'utf8').split('\n').length }))
      .filter((x) => x.n > 450)
      .map((x) => `${x.f}: ${x.n} lines`);
    expect(long).toEqual([]);
  });
});
