/**
 * The main example: the reference setup (../../../shared/reference/reference-setup.md) — two
 * FreeBSD hosts (VNET jails on vnet0) sharing CARP VIPs for IPv4 and IPv6, each running HAProxy
 * as a TLS-terminating reverse proxy, behind a PF firewall.
 *
 *   npx synth examples/ha-reverse-proxy/main.ts     # writes dist/
 *
 * The CARP password is the reference's words without hyphens (`verysecurepassword`): the
 * original `very-secure-password` breaks FreeBSD's rc.d and is rejected. Outside a demo, use
 * Secret.fromEnv('CARP_PASSWORD') or Secret.fromFile(...).
 */
import { App, CarpCluster, FreeBsdHost, Secret } from '../../lib';

export function buildReferenceApp(app: App = new App()): App {
  const host1 = new FreeBsdHost(app, 'Haproxy01', {
    hostname: 'haproxy01.example.net',
    vnetJail: true,
    defaultRouter: '10.1.60.1',
    ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  host1.addInterface('vnet0', {
    ipv4: '10.1.60.201/24',
    ipv6: ['2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64', 'fd5e:d1c2:c9de:60:d:22ff:fe50:3d0b/64'],
  });

  const host2 = new FreeBsdHost(app, 'Haproxy02', {
    hostname: 'haproxy02.example.net',
    vnetJail: true,
    defaultRouter: '10.1.60.1',
    ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  host2.addInterface('vnet0', {
    ipv4: '10.1.60.202/24',
    ipv6: ['2003:abcd:ef12:3460:420:99ff:feeb:2969/64', 'fd5e:d1c2:c9de:60:420:99ff:feeb:2969/64'],
  });

  const cluster = new CarpCluster(app, 'Carp', {
    members: [host1, host2], // host1 is the preferred master (advskew 0), host2 advskew 100
    interfaceName: 'vnet0',
    password: Secret.fromLiteral('verysecurepassword'),
  });
  cluster.addVip('Vip', {
    vhid: 1,
    ipv4: ['10.1.60.200/32'],
    ipv6: ['fd5e:d1c2:c9de:60::200/128'],
  });

  return app;
}

if (require.main === module || process.env.CDKBSD_CLI === '1') {
  buildReferenceApp().synth();
}
