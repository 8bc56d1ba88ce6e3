/**
 * The reference topology (two hosts on vnet0, one CARP VIP for IPv4 and IPv6, HAProxy on the
 * VIP) and the reference's PF ruleset, built in code for the PF tests.
 */
import { App } from '../../lib/core/app';
import { ValidationIssue } from '../../lib/core/errors';
import { FreeBsdHost } from '../../lib/core/host';
import { validateTree } from '../../lib/core/pipeline';
import { Secret } from '../../lib/core/secret';
import { CarpCluster, CarpClusterProps } from '../../lib/carp/carp-cluster';
import { CarpVip } from '../../lib/carp/carp-vip';
import { Certificate } from '../../lib/haproxy/certificate';
import { Haproxy } from '../../lib/haproxy/haproxy';
import { PfRuleset } from '../../lib/pf/pf-ruleset';
import { PfRulesetProps } from '../../lib/pf/ruleset-props';
import { IcmpType } from '../../lib/pf/types';

/** The reference's four SSH prefixes (IPv6 only). */
export const SSH_PREFIXES = ['2003:abcd:ef12:3420::/60', '2003:abcd:ef12:34a1::/64', 'fd5e:d1c2:c9de:20::/64', 'fd5f:a747:658d:20::/64'];

/** The reference's ICMP types macro. */
export const REFERENCE_ICMP = [IcmpType.UNREACH, IcmpType.SQUENCH, IcmpType.ECHOREQ, IcmpType.TIMEX, IcmpType.PARAMPROB];

export interface Topology {
  readonly app: App;
  readonly h1: FreeBsdHost;
  readonly h2: FreeBsdHost;
  readonly cluster: CarpCluster;
  readonly vip: CarpVip;
  readonly haproxy: Haproxy;
}

/** Two members, CARP VIP 10.1.60.200 + fd5e:d1c2:c9de:60::200, HAProxy frontend on the VIP (80 and 443). */
export function topology(clusterProps: Partial<CarpClusterProps> = {}): Topology {
  const app = new App({ outdir: '/nonexistent-cdkbsd-pf-test' });
  const h1 = new FreeBsdHost(app, 'Haproxy01', { hostname: 'haproxy01.example.net', vnetJail: true, managementAddress: '2003:abcd:ef12:3460:d:22ff:fe50:3d0b', defaultRouter: '10.1.60.1', ipv6DefaultRouter: '2003:abcd:ef12:3460::1' });
  h1.addInterface('vnet0', { ipv4: '10.1.60.201/24', ipv6: ['2003:abcd:ef12:3460:d:22ff:fe50:3d0b/64', 'fd5e:d1c2:c9de:60:d:22ff:fe50:3d0b/64'] });
  const h2 = new FreeBsdHost(app, 'Haproxy02', { hostname: 'haproxy02.example.net', vnetJail: true, managementAddress: '2003:abcd:ef12:3460:420:99ff:feeb:2969', defaultRouter: '10.1.60.1', ipv6DefaultRouter: '2003:abcd:ef12:3460::1' });
  h2.addInterface('vnet0', { ipv4: '10.1.60.202/24', ipv6: ['2003:abcd:ef12:3460:420:99ff:feeb:2969/64', 'fd5e:d1c2:c9de:60:420:99ff:feeb:2969/64'] });
  for (const [h, n] of [[h1, 1], [h2, 2]] as const) {
    if (clusterProps.pfsync) h.addInterface(clusterProps.pfsync.interfaceName, { ipv4: `172.16.60.${n}/30` });
  }
  const cluster = new CarpCluster(app, 'Carp', { members: [h1, h2], interfaceName: 'vnet0', password: Secret.fromLiteral('verysecurepassword'), ...clusterProps });
  const vip = cluster.addVip('Vip', { vhid: 1, ipv4: ['10.1.60.200/32'], ipv6: ['fd5e:d1c2:c9de:60::200/128'] });
  const haproxy = new Haproxy(app, 'Haproxy', { target: cluster });
  const be = haproxy.addBackend('be_app');
  be.addServer('app1', { address: '10.1.70.11', port: 8080 });
  haproxy.addFrontend('fe_web', { vips: [vip], certificates: [Certificate.fromFile('/usr/local/etc/haproxy/certs/wildcard.pem')], defaultBackend: be });
  return { app, h1, h2, cluster, vip, haproxy };
}

/** The reference's PF ruleset on the cluster, with overrides. */
export function referenceRuleset(t: Topology, overrides: Partial<PfRulesetProps> = {}): PfRuleset {
  return new PfRuleset(t.app, 'Firewall', {
    target: t.cluster,
    externalInterface: 'vnet0',
    sshFrom: SSH_PREFIXES,
    icmpTypes: REFERENCE_ICMP,
    ...overrides,
  });
}

/** Every finding of validation (errors and warnings), as {path, message, severity}. */
export function findings(app: App): Array<Pick<ValidationIssue, 'path' | 'message' | 'severity'>> {
  return validateTree(app).map((i) => ({ path: i.path, message: i.message, severity: i.severity }));
}
