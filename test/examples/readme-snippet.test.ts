// The README's first code block is real code: it must synthesize as written (with the import
// pointed at this checkout and a password in the environment).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from 'vitest';

test("the README's opening example synthesizes and renders what it says", async () => {
  const readme = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const lib = path.resolve(__dirname, '../../lib/index');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-readme-'));
  const out = path.join(dir, 'dist');
  const source = code
    .replace(/from 'cdkbsd'/g, `from ${JSON.stringify(lib)}`)
    .replace('new App()', `new App({ outdir: ${JSON.stringify(out)} })`);
  const file = path.join(dir, 'readme-example.ts');
  fs.writeFileSync(file, source);
  process.env.CARP_PASSWORD = 'ReadmeExample123';
  try {
    await import(file);
  } finally {
    delete process.env.CARP_PASSWORD;
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  expect(manifest.hosts.map((h: any) => h.hostname)).toEqual(['lb1.example.net', 'lb2.example.net']);
  // The README promises: no error and no warning (SSH passes in the family the hosts are managed in).
  expect(manifest.warnings).toEqual([]);
  const lb2 = manifest.hosts[1].files.map((f: any) => f.path);
  expect(lb2).toEqual(expect.arrayContaining(['/etc/rc.conf', '/etc/pf.conf', '/usr/local/etc/haproxy.conf', '/boot/loader.conf', '/etc/sysctl.conf']));
  const pf = fs.readFileSync(path.join(out, 'lb2.example.net/etc/pf.conf'), 'utf8');
  expect(pf).toMatch(/pass in on \$ext_if proto tcp from any to \{ 192\.0\.2\.50, 2001:db8::50 \} port \{ 80, 443 \}/);
  expect(pf).toMatch(/proto carp/);
});
