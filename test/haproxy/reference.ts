/**
 * The reference topology (examples/ha-reverse-proxy) with its HAProxy, built in code for the
 * tests. `addReverseProxy` is the HAProxy part the main example uses.
 */
import { Construct } from 'constructs';
import { App } from '../../lib/core/app';
import { FreeBsdHost } from '../../lib/core/host';
import { Secret } from '../../lib/core/secret';
import { CarpCluster } from '../../lib/carp/carp-cluster';
import { CarpVip } from '../../lib/carp/carp-vip';
import { Duration } from '../../lib/net/duration';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { Certificate } from '../../lib/haproxy/certificate';
import { HealthCheck } from '../../lib/haproxy/health-check';

/** HAProxy of the reference setup: two web apps behind the VIP, TLS with wildcard certs. */
export function addReverseProxy(scope: Construct, cluster: CarpCluster, vip: CarpVip): Haproxy {
  const haproxy = new Haproxy(scope, 'Haproxy', { target: cluster });

  const app = haproxy.addBackend('be_app', {
    healthCheck: HealthCheck.http('/healthz', { host: 'app.example.net', interval: Duration.seconds(2), rise: 2, fall: 3 }),
  });
  app.addServer('app1', { address: '10.1.70.11', port: 8080 });
  app.addServer('app2', { address: '10.1.70.12', port: 8080 });

  const wiki = haproxy.addBackend('be_wiki', { healthCheck: HealthCheck.tcp() });
  wiki.addServer('wiki1', { address: 'fd5e:d1c2:c9de:70::21', port: 3000 });

  const web = haproxy.addFrontend('fe_web', {
    vips: [vip], // binds 10.1.60.200 and fd5e:d1c2:c9de:60::200, ports 80 (redirect only) and 443
    certificates: [Certificate.fromDirectory('/usr/local/etc/haproxy/certs/')],
    hsts: { includeSubdomains: true },
  });
  web.addRoute({ domains: ['app.example.net'], backend: app });
  web.addRoute({ domains: ['wiki.example.net'], backend: wiki });
  return haproxy;
}

/** The whole reference topology in a fresh App. */
export function referenceApp(): { app: App; h1: FreeBsdHost; h2: FreeBsdHost; cluster: CarpCluster; vip: CarpVip; haproxy: Haproxy } {
  const app = new App({ outdir: '/nonexistent-cdkbsd-test' });
  const h1 = new FreeBsdHost(app, 'Haproxy01', {
    hostname: 'haproxy01.example.net', vnetJail: true, defaultRouter: '10.1.60.1', ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  h1.addInterface('vnet0', { ipv4: '10.1.60.201/24', ipv6: ['2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64', 'fd5e:d1c2:c9de:60:d:22ff:fe50:3d0b/64'] });
  const h2 = new FreeBsdHost(app, 'Haproxy02', {
    hostname: 'haproxy02.example.net', vnetJail: true, defaultRouter: '10.1.60.1', ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  h2.addInterface('vnet0', { ipv4: '10.1.60.202/24', ipv6: ['2003:abcd:ef12:3460:420:99ff:feeb:2969/64', 'fd5e:d1c2:c9de:60:420:99ff:feeb:2969/64'] });
  const cluster = new CarpCluster(app, 'Proxy', { members: [h1, h2], interfaceName: 'vnet0', password: Secret.fromLiteral('verysecurepassword') });
  const vip = cluster.addVip('Web', { vhid: 1, ipv4: ['10.1.60.200/32'], ipv6: ['fd5e:d1c2:c9de:60::200/128'] });
  const haproxy = addReverseProxy(app, cluster, vip);
  return { app, h1, h2, cluster, vip, haproxy };
}
