// Two copies of the library in one process (a construct library that bundles its own cdkbsd, or
// jsii's compiled lib/**/*.js next to the .ts sources): constructs of one copy in an App of the
// other must still be prepared, validated and rendered — or be refused with a clear error — never
// be dropped silently. The library already marks App and FreeBsdHost with Symbol.for so that
// `isApp`/`isFreeBsdHost` work across copies; the registries of lifecycle and diagnostics do not.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { afterAll, describe, expect, test } from 'vitest';
import { tempDir } from './fixtures';

const root = path.resolve(__dirname, '../..');
const work = tempDir('cdkbsd-copies-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Copies the .ts sources of lib/ to `dest` (a second copy of the library). */
function copyLib(dest: string): void {
  const walk = (from: string, to: string) => {
    fs.mkdirSync(to, { recursive: true });
    for (const n of fs.readdirSync(from)) {
      const f = path.join(from, n);
      if (fs.statSync(f).isDirectory()) walk(f, path.join(to, n));
      else if (n.endsWith('.ts') && !n.endsWith('.d.ts')) fs.copyFileSync(f, path.join(to, n));
    }
  };
  walk(path.join(root, 'lib'), dest);
}

describe('two copies of the library', () => {
  // BUG-12: see /work/notes/robustness-bugs.md
  test('BUG-12: a PfRuleset of another copy is validated and rendered (or refused), never dropped silently', () => {
    const copy = path.join(work, 'copy', 'lib');
    copyLib(copy);
    const script = path.join(work, 'two-copies.ts');
    fs.writeFileSync(script, `
      const { App } = require(${JSON.stringify(path.join(root, 'lib/core/app.ts'))});
      const { FreeBsdHost } = require(${JSON.stringify(path.join(root, 'lib/core/host.ts'))});
      const { Testing } = require(${JSON.stringify(path.join(root, 'lib/testing/testing.ts'))});
      const { PfRuleset } = require(${JSON.stringify(path.join(copy, 'pf/pf-ruleset.ts'))});
      const app = new App();
      const host = new FreeBsdHost(app, 'Host', { hostname: 'host.example.net' });
      host.addInterface('vtnet0', { ipv4: '192.0.2.1/24' });
      // Valid firewall of the other copy, and one with a bad interface name (must be an error).
      new PfRuleset(app, 'Firewall', { target: host, externalInterface: 'vtnet0', sshFrom: ['192.0.2.0/24'] });
      let outcome;
      try {
        const s = Testing.synth(app);
        outcome = { ok: true, files: s.files('host.example.net').map((f) => f.path) };
      } catch (e) {
        outcome = { ok: false, error: String(e && e.message) };
      }
      const app2 = new App();
      const host2 = new FreeBsdHost(app2, 'Host', { hostname: 'host.example.net' });
      host2.addInterface('vtnet0', { ipv4: '192.0.2.1/24' });
      new PfRuleset(app2, 'Bad', { target: host2, externalInterface: 'not an interface!' });
      let outcome2;
      try { Testing.synth(app2); outcome2 = { ok: true }; } catch (e) { outcome2 = { ok: false, error: String(e && e.message) }; }
      process.stdout.write(JSON.stringify({ outcome, outcome2 }));
    `);
    const r = spawnSync(process.execPath, ['--require', require.resolve('tsx/cjs', { paths: [root] }), script], {
      encoding: 'utf8',
      env: { ...process.env, NODE_PATH: path.join(root, 'node_modules') },
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const { outcome, outcome2 } = JSON.parse(r.stdout);
    // Either the firewall is rendered, or synthesis refuses the foreign construct: never silence.
    if (outcome.ok) expect(outcome.files).toContain('/etc/pf.conf');
    else expect(outcome.error).toMatch(/copy|version|cdkbsd/i);
    // The bad interface name of the other copy's firewall must not pass validation.
    expect(outcome2.ok, 'an invalid PfRuleset of another copy passed validation').toBe(false);
  });
});
