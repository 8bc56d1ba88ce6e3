// `npx synth` on an app that passes a wrongly shaped prop (as plain JavaScript or `as any` can):
// the validation error with the construct path, the value and what is allowed; no stack trace,
// no TypeError, never the CARP password; exit status 1 and nothing written.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, expect, test } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-cli-shape-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a string where a Certificate belongs: a clear validation error at the user\'s line, exit 1, no stack trace, nothing written', () => {
  const out = path.join(tmp, 'dist');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'CDKBSD_OUTDIR', 'CDKBSD_NO_DIAGRAM']) delete env[k];
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'synth'), 'test/cli/fixtures/wrong-shape.ts', '--out', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(1);
  const text = r.stdout + r.stderr;
  expect(text).toContain('error: [Proxy/fe_web] certificates[0] must be a Certificate, not a string');
  expect(text).toContain('/usr/local/etc/ssl/x.pem');
  expect(text).toContain('Certificate.fromFile(…)');
  expect(text).toContain('test/cli/fixtures/wrong-shape.ts:13:');
  expect(text).toContain('nothing was written');
  expect(text).not.toMatch(/TypeError|\n\s+at .*\(|\[object Object\]|Zq7carpSECRETw9/);
  expect(fs.existsSync(out)).toBe(false);
});
