import { DiagramBackend, DiagramCluster, DiagramModel, DiagramOpenPort } from '../../lib/diagram/model';

const WEB: DiagramOpenPort[] = [
  { protocol: 'tcp', port: '80' },
  { protocol: 'tcp', port: '443' },
];

/** A model equivalent to the reference setup (two members, one VIP pair, one frontend, two routes). */
export function referenceModel(): DiagramModel {
  return {
    title: 'reference setup',
    clusters: [
      {
        name: 'proxy',
        interfaceName: 'vnet0',
        members: [
          { hostname: 'haproxy01.example.net', advskew: 0, preferredMaster: true },
          { hostname: 'haproxy02.example.net', advskew: 100, preferredMaster: false },
        ],
        vips: [
          {
            vhid: 1,
            addresses: [
              { address: '10.1.60.200', openPorts: WEB },
              { address: 'fd5e:d1c2:c9de:60::200', openPorts: WEB },
            ],
          },
        ],
        frontends: [
          {
            name: 'web',
            binds: [
              { address: '10.1.60.200', port: 80, tls: false },
              { address: 'fd5e:d1c2:c9de:60::200', port: 80, tls: false },
              { address: '10.1.60.200', port: 443, tls: true },
              { address: 'fd5e:d1c2:c9de:60::200', port: 443, tls: true },
            ],
            routes: [
              { domains: ['app.example.net'], backend: 'be_app' },
              { domains: ['wiki.example.net'], backend: 'be_wiki' },
            ],
            redirectsToHttps: true,
          },
        ],
        backends: [
          {
            name: 'be_app',
            balance: 'roundrobin',
            servers: [
              { name: 'app1', address: '10.1.70.11', port: 8080, backup: false },
              { name: 'app2', address: '10.1.70.12', port: 8080, backup: true },
            ],
          },
          { name: 'be_wiki', balance: 'roundrobin', servers: [{ name: 'wiki1', address: 'fd5e:d1c2:c9de:70::21', port: 3000, backup: false }] },
        ],
        otherOpenPorts: [{ protocol: 'tcp', port: 'ssh' }],
      },
    ],
    hosts: [],
  };
}

/**
 * One cluster of the fleet of issue 8: IPv4+IPv6 VIPs, 10 host routes, 20 backends of 4
 * servers each.
 */
export function fleetCluster(site: number): DiagramCluster {
  const v4 = `10.${(site >> 8) & 255}.${site & 255}.200`;
  const v6 = `fd00:${site.toString(16)}::200`;
  const backends: DiagramBackend[] = [];
  for (let b = 0; b < 20; b++) {
    backends.push({
      name: `be_${b}`,
      balance: 'roundrobin',
      servers: [0, 1, 2, 3].map((s) => ({ name: `s${s}`, address: `10.200.${b}.${s + 10}`, port: 8080, backup: s === 3 })),
    });
  }
  return {
    name: `site${site}`,
    interfaceName: 'vtnet0',
    members: [
      { hostname: `lb1.site${site}.example.net`, advskew: 0, preferredMaster: true },
      { hostname: `lb2.site${site}.example.net`, advskew: 100, preferredMaster: false },
    ],
    vips: [{ vhid: 1, addresses: [{ address: v4, openPorts: WEB }, { address: v6, openPorts: WEB }] }],
    frontends: [
      {
        name: 'web',
        binds: [v4, v6].flatMap((a) => [
          { address: a, port: 80, tls: false },
          { address: a, port: 443, tls: true },
        ]),
        routes: Array.from({ length: 10 }, (_, i) => ({ domains: [`app${i}.site${site}.example.net`], backend: `be_${i}` })),
        defaultBackend: 'be_10',
      },
    ],
    backends,
  };
}

/** Names that would break a naively quoted graph. */
export const HOSTILE = [
  'evil"] ; "x" -> "y',
  'back\\slash\\',
  'two\nlines',
  '{brace}|<port>',
  '\\N \\G \\l',
  '&lt;amp&amp;',
  '}; digraph { a',
];

export function hostileModel(): DiagramModel {
  return {
    clusters: HOSTILE.map((name, i) => ({
      name,
      interfaceName: name,
      members: [{ hostname: name, advskew: i, preferredMaster: true }],
      vips: [{ vhid: i + 1, name, addresses: [{ address: name, openPorts: [{ protocol: name, port: name }] }] }],
      frontends: [{ name, binds: [{ address: name, port: 443, tls: true }], routes: [{ domains: [name], backend: name }], defaultBackend: name }],
      backends: [{ name, balance: name, servers: [{ name, address: name, port: 1, backup: true }] }],
      otherOpenPorts: [{ protocol: 'tcp', port: name }],
    })),
    hosts: [{ hostname: HOSTILE[0], addresses: [], frontends: [], backends: [] }],
  };
}
