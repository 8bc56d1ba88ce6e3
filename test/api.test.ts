import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { beforeAll, describe, expect, test } from 'vitest';

// The public API is compiled by jsii (so it can be published to other languages); API.md is
// generated from it by jsii-docgen and must be current.
const root = path.resolve(__dirname, '..');
const env = { ...process.env, JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
let assembly: any;

beforeAll(() => {
  execFileSync(path.join(root, 'node_modules/.bin/jsii'), ['--silence-warnings=reserved-word'], { cwd: root, env, stdio: 'pipe' });
  assembly = JSON.parse(fs.readFileSync(path.join(root, '.jsii'), 'utf8'));
}, 180_000);

describe('public API', () => {
  test('API.md is what jsii-docgen generates from the current sources (with the contents by domain)', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-api-')), 'API.md');
    execFileSync(process.execPath, [path.join(root, 'scripts/api-md.js'), out], { cwd: root, env, stdio: 'pipe' });
    const current = fs.existsSync(path.join(root, 'API.md')) ? fs.readFileSync(path.join(root, 'API.md'), 'utf8') : '';
    expect(current === fs.readFileSync(out, 'utf8'), 'API.md is stale: run `npm run build` (jsii + jsii-docgen)').toBe(true);
  }, 180_000);

  test('every exported type and member has a doc comment, and every optional prop a @default', () => {
    const missing: string[] = [];
    for (const [fqn, t] of Object.entries<any>(assembly.types)) {
      if (!t.docs?.summary) missing.push(`${fqn}: no doc comment`);
      for (const p of t.properties ?? []) {
        if (!p.docs?.summary) missing.push(`${fqn}.${p.name}: no doc comment`);
        if (t.kind === 'interface' && t.datatype && p.optional && p.docs?.default === undefined) {
          missing.push(`${fqn}.${p.name}: optional prop without @default`);
        }
      }
      for (const m of t.methods ?? []) {
        if (!m.docs?.summary) missing.push(`${fqn}.${m.name}(): no doc comment`);
      }
      for (const m of t.members ?? []) {
        if (!m.docs?.summary) missing.push(`${fqn}.${m.name}: no doc comment`);
      }
    }
    expect(missing).toEqual([]);
  });

  test('every construct has an @example, and every summary is a whole sentence', () => {
    const isConstruct = (t: any): boolean => {
      for (let b = t; b; b = assembly.types[b.base]) if (b.base === 'constructs.Construct') return true;
      return false;
    };
    const problems: string[] = [];
    for (const [fqn, t] of Object.entries<any>(assembly.types)) {
      if (t.kind === 'class' && isConstruct(t) && !t.docs?.example) problems.push(`${fqn}: no @example`);
      const docs = [t.docs, ...(t.properties ?? []).map((p: any) => p.docs), ...(t.methods ?? []).map((m: any) => m.docs), ...(t.members ?? []).map((m: any) => m.docs)];
      for (const d of docs) if (d?.summary && /[;,:]$/.test(d.summary.trim())) problems.push(`${fqn}: summary cut short: ${JSON.stringify(d.summary)}`);
    }
    expect(problems).toEqual([]);
  });

  test('API.md starts with contents grouped by domain, each entry linking to its reference', () => {
    const md = fs.readFileSync(path.join(root, 'API.md'), 'utf8');
    const headings = [...md.slice(0, md.indexOf('## Constructs')).matchAll(/^### (.+)$/gm)].map((m) => m[1]);
    expect(headings.slice(0, 4)).toEqual(['Hosts and the app', 'Addresses and durations', 'CARP', 'HAProxy']);
    expect(headings).toEqual(expect.arrayContaining(['PF', 'Deploy', 'Testing']));
    const ids = new Set([...md.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    const links = [...md.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(50);
    expect(links.filter((l) => !ids.has(l))).toEqual([]);
  });
});
