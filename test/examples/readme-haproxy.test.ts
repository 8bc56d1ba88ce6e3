// The README's HAProxy example ("HAProxy: TCP, TLS passthrough, paths, access lists, limits,
// metrics") is real code: it synthesizes as written, without a warning, into a haproxy.conf
// that the real haproxy accepts and a pf.conf with the openings the README describes.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect, test } from 'vitest';
import { HaproxyCheck, HaproxyConfView, PfConfView } from '../../lib/index';

const README = fs.readFileSync(path.join(__dirname, '../../README.md'), 'utf8');
const SECTION = README.slice(README.indexOf('## HAProxy: TCP, TLS passthrough, paths, access lists, limits, metrics'));

test("the README's HAProxy example synthesizes, passes haproxy -c, and opens the firewall as it says", async () => {
  expect(SECTION.length).toBeLessThan(README.length);
  const code = /```ts\n([\s\S]*?)```/.exec(SECTION)![1];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-readme-haproxy-'));
  const out = path.join(dir, 'dist');
  const source = code
    .replace(/from 'cdkbsd'/g, `from ${JSON.stringify(path.resolve(__dirname, '../../lib/index'))}`)
    .replace('new App()', `new App({ outdir: ${JSON.stringify(out)} })`)
    .replace('app.synth();', 'export const summary = app.synth();');
  const file = path.join(dir, 'readme-haproxy.ts');
  fs.writeFileSync(file, source);
  process.env.ADMIN_PASSWORD = 'Readme-admin-2024';
  try {
    const mod = await import(file);
    expect(mod.summary.warnings ?? []).toEqual([]);
  } finally {
    delete process.env.ADMIN_PASSWORD;
  }
  const conf = fs.readFileSync(path.join(out, 'lb.example.net/usr/local/etc/haproxy.conf'), 'utf8');
  expect(conf).not.toContain('Readme-admin-2024');
  const v = HaproxyConfView.parse(conf);
  expect(v.names('frontend')).toEqual(['fe_imaps', 'fe_tls', 'fe_web', 'prometheus']);
  expect(v.section('frontend', 'fe_tls')!.findFirst('tcp-request content')!.text).toBe('tcp-request content accept if { req.ssl_hello_type 1 }');
  if (!HaproxyCheck.shouldSkip()) HaproxyCheck.assertValid(conf);
  const pf = PfConfView.parse(fs.readFileSync(path.join(out, 'lb.example.net/etc/pf.conf'), 'utf8'));
  const rules = (c: string) => pf.rulesCommented(c).map(PfConfView.canonical);
  expect(rules('HAProxy frontend fe_web')).toEqual(['pass in proto tcp from any to self port { 80, 443 }']);
  expect(rules('HAProxy frontend fe_imaps')).toEqual([
    'pass in on vtnet0 proto tcp from any to { 192.0.2.10, 2001:db8::10 } port 993',
    'block in on vtnet0 proto tcp from 203.0.113.0/24 to { 192.0.2.10, 2001:db8::10 } port 993',
  ]);
  expect(rules('HAProxy Prometheus metrics')).toEqual(['pass in on vtnet0 proto tcp from 198.51.100.0/24 to 192.0.2.10 port 8405']);
});
