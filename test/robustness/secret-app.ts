// A child-process app for the secrets tests. The CARP password comes from the environment
// variable CDKBSD_TEST_CARP_PASSWORD, the stats password from the file named by
// CDKBSD_TEST_STATS_FILE. CDKBSD_TEST_VARIANT: `ok` (default), `invalid` (one more validation
// error elsewhere in the tree), `short` (a CARP password warning is printed with the summary).
// Run directly (`tsx secret-app.ts`, prints the summary and the warnings) or by `synth`.
// Deep imports only: with jsii's compiled lib/**/*.js present, tsx resolves `../../lib` to
// index.js but `../../lib/haproxy/haproxy` to the .ts source, and two copies of the core would
// be loaded (see BUG-12 in /work/notes/robustness-bugs.md).
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { Secret } from '../../lib/core/secret';
import { CarpCluster } from '../../lib/carp/carp-cluster';
import { AnsibleDeployment } from '../../lib/deploy/ansible';
import { Certificate } from '../../lib/haproxy/certificate';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PfRuleset } from '../../lib/pf/pf-ruleset';

const variant = process.env.CDKBSD_TEST_VARIANT ?? 'ok';
const app = new App();
const members = [1, 2].map((n) => {
  const h = new FreeBsdHost(app, `Proxy${n}`, { hostname: `proxy${n}.example.net`, defaultRouter: '192.0.2.254' });
  h.addInterface('vtnet0', { ipv4: `192.0.2.${n}/24`, ipv6: [`2001:db8::${n}/64`] });
  return h;
});
const cluster = new CarpCluster(app, 'Carp', { members, interfaceName: 'vtnet0', password: Secret.fromEnv('CDKBSD_TEST_CARP_PASSWORD') });
const vip = cluster.addVip('Vip', { vhid: 1, ipv4: ['192.0.2.10'], ipv6: ['2001:db8::10'] });
const haproxy = new Haproxy(app, 'Haproxy', { target: cluster });
const web = haproxy.addBackend('be_web');
web.addServer('web1', { address: '192.0.2.21', port: 8080 });
haproxy.addFrontend('fe_web', { vips: [vip], certificates: [Certificate.fromFile('/usr/local/etc/ssl/example.net.pem')], defaultBackend: web });
haproxy.addStatsPage({ user: 'admin', password: Secret.fromFile(process.env.CDKBSD_TEST_STATS_FILE ?? '/nonexistent') });
new PfRuleset(app, 'Firewall', { target: cluster, externalInterface: 'vtnet0', sshFrom: ['192.0.2.0/24'] });
new AnsibleDeployment(app, 'Deploy');
if (variant === 'invalid') members[0].rcConf.set('cdkbsd bad key', 'x');

const summary = app.synth();
if (require.main === module && process.env.CDKBSD_CLI !== '1') {
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  for (const w of summary.warnings) process.stderr.write(`warning: [${w.path}] ${w.message} (${w.value})\n`);
}
