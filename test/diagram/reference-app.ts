import { buildReferenceApp } from '../../examples/ha-reverse-proxy/main';
import { CarpCluster } from '../../lib/carp/carp-cluster';
import { App, AppProps } from '../../lib/core/app';
import { Certificate } from '../../lib/haproxy/certificate';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfAddress, PfPort } from '../../lib/pf/values';
import { PfAction, PfDirection, PfProtocol } from '../../lib/pf/types';

/**
 * The main example (examples/ha-reverse-proxy), completed with the reference's HAProxy and PF
 * parts for as long as the example lacks them: a frontend on the VIP (:80, :443 TLS), routes
 * app.example.net → be_app (two servers, one backup) and wiki.example.net → be_wiki, and a PF
 * ruleset passing TCP 80 and 443 to the VIP. Whatever the example already has is kept as is.
 */
export function referenceApp(props: AppProps = {}): App {
  const app = buildReferenceApp(new App({ outdir: '/nonexistent-diagram-test', ...props }));
  const all = app.node.findAll();
  const cluster = all.find((c): c is CarpCluster => c instanceof CarpCluster)!;
  if (!all.some((c) => c instanceof Haproxy)) {
    const hp = new Haproxy(app, 'Haproxy', { target: cluster });
    const beApp = hp.addBackend('be_app');
    beApp.addServer('app1', { address: '10.1.70.11', port: 8080 });
    beApp.addServer('app2', { address: '10.1.70.12', port: 8080, backup: true });
    const beWiki = hp.addBackend('be_wiki');
    beWiki.addServer('wiki1', { address: 'fd5e:d1c2:c9de:70::21', port: 3000 });
    const fe = hp.addFrontend('web', { vips: cluster.vips, certificates: [Certificate.fromDirectory('/usr/local/etc/haproxy/certs/')] });
    fe.addRoute({ domains: ['app.example.net'], backend: beApp });
    fe.addRoute({ domains: ['wiki.example.net'], backend: beWiki });
  }
  if (!all.some((c) => c instanceof PfRuleset)) {
    const pf = new PfRuleset(app, 'Firewall', {
      target: cluster,
      externalInterface: cluster.interfaceName,
      sshFrom: ['2003:abcd:ef12:3420::/60', '2003:abcd:ef12:34a1::/64', 'fd5e:d1c2:c9de:20::/64', 'fd5f:a747:658d:20::/64'],
    });
    pf.addRule('Web', {
      action: PfAction.PASS,
      direction: PfDirection.IN,
      protocols: [PfProtocol.TCP],
      to: cluster.vips.map((v) => PfAddress.vip(v)),
      toPorts: [PfPort.service('http'), PfPort.service('https')],
    });
  }
  return app;
}
