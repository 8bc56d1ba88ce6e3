/**
 * The benchmark fleet (issue 8): N sites, each a CARP pair running HAProxy behind PF.
 *
 * Per site:
 * - two `FreeBsdHost`s with IPv4 and IPv6 on vtnet0 (10.a.b.11/24, fd00:a:b::11/64 and .12),
 *   with IPv4 and IPv6 default routers;
 * - a `CarpCluster` of the two, with one VIP carrying an IPv4 and an IPv6 address;
 * - an `Haproxy` on the cluster: the public frontend on the VIP (80 redirects, 443 terminates
 *   TLS) with 10 host routes, and 20 backends of 4 servers each with an HTTP health check.
 *   Every backend must be used (validation rejects an unused one) and a route points to one
 *   backend, so the other 10 backends are routed by an internal plain-HTTP frontend on the
 *   VIP's port 8080, also with 10 host routes;
 * - a `PfRuleset` on the cluster with its derived rules (default policy, CARP, ICMP/ICMPv6,
 *   SSH allow-list, the frontends' openings) plus 20 user rules.
 *
 * Addresses are unique per site and pure data: nothing is sent anywhere.
 */
import {
  AddressFamily, App, CarpCluster, Certificate, FreeBsdHost, Haproxy, HealthCheck,
  PfAction, PfAddress, PfDirection, PfPort, PfProtocol, PfRuleset, PfState, Secret,
} from '../lib/index';

/** Sizes of one site (the numbers). */
export const SITE_SHAPE = {
  hostsPerSite: 2,
  routesPerFrontend: 10,
  backends: 20,
  serversPerBackend: 4,
  userRules: 20,
} as const;

/** The two octets (and IPv6 groups) that make a site's addresses unique: 10.a.b.0/24, fd00:a:b::/64. */
export function siteOctets(site: number): [number, number] {
  if (!Number.isInteger(site) || site < 0 || site >= 250 * 250) throw new Error(`site index out of range: ${site}`);
  return [1 + Math.floor(site / 250), site % 250];
}

/** Adds one site (a CARP pair with HAProxy and PF) to `app`. */
export function addSite(app: App, site: number): void {
  const [a, b] = siteOctets(site);
  const name = `site${String(site).padStart(4, '0')}`;
  const v4 = (host: number) => `10.${a}.${b}.${host}`;
  // Decimal digits read as hex groups: fd00:1:249::11 mirrors 10.1.249.11 and stays unique.
  const v6 = (host: number) => `fd00:${a}:${b}::${host}`;

  const members = [11, 12].map((n, i) => {
    const h = new FreeBsdHost(app, `${name}-lb${i + 1}`, {
      hostname: `lb${i + 1}.${name}.example.net`,
      defaultRouter: v4(1),
      ipv6DefaultRouter: v6(1),
    });
    h.addInterface('vtnet0', { ipv4: `${v4(n)}/24`, ipv6: [`${v6(n)}/64`] });
    return h;
  });

  const cluster = new CarpCluster(app, `${name}-carp`, {
    members,
    interfaceName: 'vtnet0',
    password: Secret.fromLiteral(`benchfleetpass${site}`),
  });
  const vip = cluster.addVip('Vip', { vhid: 1, ipv4: [`${v4(10)}/32`], ipv6: [`${v6(10)}/128`] });

  const haproxy = new Haproxy(app, `${name}-haproxy`, { target: cluster });
  const backends = [];
  for (let k = 0; k < SITE_SHAPE.backends; k++) {
    const be = haproxy.addBackend(`app${k}`, { healthCheck: HealthCheck.http('/healthz') });
    for (let s = 0; s < SITE_SHAPE.serversPerBackend; s++) {
      be.addServer(`s${s}`, { address: v4(100 + k * SITE_SHAPE.serversPerBackend + s), port: 8000 + k });
    }
    backends.push(be);
  }
  const web = haproxy.addFrontend('web', {
    vips: [vip],
    certificates: [Certificate.fromFile(`/usr/local/etc/ssl/${name}.example.net.pem`)],
  });
  const internal = haproxy.addFrontend('internal', { vips: [vip], httpPort: 8080 });
  for (let k = 0; k < SITE_SHAPE.backends; k++) {
    const frontend = k < SITE_SHAPE.routesPerFrontend ? web : internal;
    frontend.addRoute({ domains: [`app${k}.${name}.example.net`], backend: backends[k] });
  }

  const pf = new PfRuleset(app, `${name}-pf`, {
    target: cluster,
    externalInterface: 'vtnet0',
    sshFrom: ['10.0.0.0/8', 'fd00::/8'],
  });
  for (let r = 0; r < SITE_SHAPE.userRules; r++) {
    const ipv6 = r % 2 === 1;
    pf.addRule(`rule${r}`, {
      action: r % 5 === 4 ? PfAction.BLOCK : PfAction.PASS,
      direction: PfDirection.IN,
      quick: r % 5 === 4,
      family: ipv6 ? AddressFamily.IPV6 : AddressFamily.IPV4,
      protocols: [PfProtocol.TCP],
      from: [PfAddress.prefix(ipv6 ? `fd00:${a}:${r + 1}::/64` : `10.${a}.${r}.0/24`)],
      to: [r % 3 === 0 ? PfAddress.vip(vip) : PfAddress.self()],
      toPorts: [r % 4 === 0 ? PfPort.range(9000 + r, 9010 + r) : PfPort.number(9100 + r)],
      state: r % 5 === 4 ? undefined : PfState.keep(),
      comment: `user rule ${r} of ${name}`,
    });
  }
}

/** Builds a fleet of `sites` sites into `app`. */
export function buildFleet(app: App, sites: number): App {
  for (let i = 0; i < sites; i++) addSite(app, i);
  return app;
}
