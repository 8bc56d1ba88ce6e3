/**
 * The main example: the project's reference setup — two FreeBSD hosts (VNET jails on vnet0)
 * sharing CARP virtual IPs for IPv4 and IPv6, each running HAProxy as a TLS-terminating reverse
 * proxy, behind a PF firewall — plus what the original write-up leaves out: preemption,
 * service-aware failover, CARP state logging, pfsync over a dedicated link, replicated stick
 * tables, and a validated rolling deployment.
 *
 *   npx synth examples/ha-reverse-proxy/main.ts      # or: npm run synth  → dist/
 *
 * The CARP password is the reference's words without hyphens (`verysecurepassword`): the
 * original `very-secure-password` breaks FreeBSD's rc.d and is rejected. Outside a demo, use
 * Secret.fromEnv('CARP_PASSWORD') or Secret.fromFile('/path/to/secret').
 */
import {
  AnsibleDeployment, App, BecomeMethod, CarpCluster, Certificate, Duration, FreeBsdHost, Haproxy, HealthCheck, IcmpType,
  HaproxyWatch, PfRuleset, Secret, TopologyDiagram,
} from '../../lib/index';

export function buildReferenceApp(app: App = new App()): App {
  // --- The two hosts, addresses exactly as in the reference -------------------------------
  const host1 = new FreeBsdHost(app, 'Haproxy01', {
    hostname: 'haproxy01.example.net',
    vnetJail: true,
    // SSH is allowed over IPv6 only (the reference's PF rules): deploy and peers use this address.
    managementAddress: '2003:abcd:ef12:3460:d:22ff:fe50:3d0b',
    defaultRouter: '10.1.60.1',
    ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  host1.addInterface('vnet0', {
    ipv4: '10.1.60.201/24',
    ipv6: ['2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64', 'fd5e:d1c2:c9de:60:d:22ff:fe50:3d0b/64'],
  });
  host1.addInterface('vnet1', { ipv4: '172.16.60.1/30' }); // dedicated pfsync link between the two

  const host2 = new FreeBsdHost(app, 'Haproxy02', {
    hostname: 'haproxy02.example.net',
    vnetJail: true,
    managementAddress: '2003:abcd:ef12:3460:420:99ff:feeb:2969',
    defaultRouter: '10.1.60.1',
    ipv6DefaultRouter: '2003:abcd:ef12:3460::1',
  });
  host2.addInterface('vnet0', {
    ipv4: '10.1.60.202/24',
    ipv6: ['2003:abcd:ef12:3460:420:99ff:feeb:2969/64', 'fd5e:d1c2:c9de:60:420:99ff:feeb:2969/64'],
  });
  host2.addInterface('vnet1', { ipv4: '172.16.60.2/30' });

  // --- CARP: vhid 1 carries both VIPs; host1 is the preferred master (advskew 0, host2 100) --
  const cluster = new CarpCluster(app, 'Carp', {
    members: [host1, host2],
    interfaceName: 'vnet0',
    password: Secret.fromLiteral('verysecurepassword'),
    // preempt is on by default (net.inet.carp.preempt=1): a repaired host1 takes its VIPs back.
    stateChangeHook: {}, // log MASTER/BACKUP transitions to syslog (devd)
    pfsync: { interfaceName: 'vnet1', unicast: true },
  });
  const vip = cluster.addVip('Vip', {
    vhid: 1,
    ipv4: ['10.1.60.200/32'],
    ipv6: ['fd5e:d1c2:c9de:60::200/128'],
  });

  // --- HAProxy on both members: the same config, so a failover only moves the VIP --------
  const haproxy = new Haproxy(app, 'Haproxy', { target: cluster });
  haproxy.enablePeers(); // stick tables replicated between the members; localpeer per host
  // Service-aware failover: demote a member whose HAProxy is down, so the VIPs move.
  new HaproxyWatch(app, 'Watch', { cluster, haproxy, interval: Duration.seconds(2), fall: 3, rise: 5 });

  const appBackend = haproxy.addBackend('be_app', {
    healthCheck: HealthCheck.http('/healthz', { host: 'app.example.net', interval: Duration.seconds(2), rise: 2, fall: 3 }),
    stickOnSource: { expire: Duration.minutes(30) }, // clients stay on one app server, also after a failover (peers)
  });
  appBackend.addServer('app1', { address: '10.1.70.11', port: 8080 });
  appBackend.addServer('app2', { address: '10.1.70.12', port: 8080 });

  const wiki = haproxy.addBackend('be_wiki', { healthCheck: HealthCheck.tcp() });
  wiki.addServer('wiki1', { address: 'fd5e:d1c2:c9de:70::21', port: 3000 });
  wiki.addServer('wiki2', { address: 'fd5e:d1c2:c9de:70::22', port: 3000, backup: true }); // used only while wiki1 is down

  const web = haproxy.addFrontend('fe_web', {
    vips: [vip], // binds 10.1.60.200 and [fd5e:d1c2:c9de:60::200], port 80 (redirect only) and 443
    certificates: [Certificate.fromDirectory('/usr/local/etc/haproxy/certs/')], // wildcard certs
    hsts: { includeSubdomains: true },
  });
  web.addRoute({ domains: ['app.example.net'], backend: appBackend });
  web.addRoute({ domains: ['wiki.example.net'], backend: wiki });

  // --- PF: the reference's rules; CARP, pfsync, ICMPv6 and the HAProxy ports are derived ---
  new PfRuleset(app, 'Firewall', {
    target: cluster,
    externalInterface: 'vnet0', // ext_if = "vnet0"
    sshFrom: ['2003:abcd:ef12:3420::/60', '2003:abcd:ef12:34a1::/64', 'fd5e:d1c2:c9de:20::/64', 'fd5f:a747:658d:20::/64'],
    icmpTypes: [IcmpType.UNREACH, IcmpType.SQUENCH, IcmpType.ECHOREQ, IcmpType.TIMEX, IcmpType.PARAMPROB],
  }); // block-policy drop, skip on lo, block in log all, pass out all are the defaults

  // --- Rolling out: dist/deploy/inventory.yml and site.yml (backup first, master last) ----
  new AnsibleDeployment(app, 'Deploy', { become: BecomeMethod.DOAS });
  // --- The picture: dist/topology.svg -------------------------------------------------------
  new TopologyDiagram(app, 'Topology');

  return app;
}

if (require.main === module || process.env.CDKBSD_CLI === '1') {
  buildReferenceApp().synth();
}
