import { describe, expect, test } from 'vitest';
import { DiagramModel } from '../../lib/diagram/model';
import { renderTopologyDot } from '../../lib/diagram/render-dot';
import { edgesBetween, indexDot, labelLines, labelText, nodeByTitle } from './dot-index';
import { HOSTILE, hostileModel, referenceModel } from './fixtures';

describe('renderTopologyDot on the reference setup', () => {
  // GIVEN the reference setup's model; WHEN rendered and parsed back with dotparser
  const g = indexDot(renderTopologyDot(referenceModel()));

  test('draws a small setup top to bottom (fits a page), with the title as graph label', () => {
    expect(g.graphAttrs.rankdir).toBe('TB');
    expect(g.graphAttrs.label).toBe('reference setup');
  });

  test('the cluster is a subgraph cluster_… box naming the cluster, its interface and the other open ports', () => {
    const clusters = [...g.subgraphs.keys()].filter((k) => k.startsWith('cluster'));
    expect(clusters).toEqual(['cluster_cluster/proxy']);
    expect(labelLines(g.subgraphs.get('cluster_cluster/proxy')!.label)).toEqual(['CARP cluster proxy on vnet0', 'pf also passes in: tcp ssh']);
  });

  test('both members sit in the cluster box, advskew shown, only the preferred master marked', () => {
    const h1 = nodeByTitle(g, 'haproxy01.example.net');
    const h2 = nodeByTitle(g, 'haproxy02.example.net');
    expect(h1.subgraphs).toEqual(['cluster_cluster/proxy']);
    expect(h2.subgraphs).toEqual(['cluster_cluster/proxy']);
    expect(labelLines(h1.attrs.label)).toEqual(['haproxy01.example.net', 'advskew 0 · preferred master']);
    expect(labelLines(h2.attrs.label)).toEqual(['haproxy02.example.net', 'advskew 100']);
    expect(h1.attrs.penwidth).toBe('2');
    expect(h2.attrs.penwidth).toBe('1');
    expect(h1.attrs.fillcolor).not.toBe(h2.attrs.fillcolor);
  });

  test('the VIP lists vhid and both addresses, each with the ports the firewall opens; both members carry it', () => {
    const vip = nodeByTitle(g, 'VIP vhid 1');
    expect(vip.subgraphs).toEqual(['cluster_cluster/proxy']);
    expect(labelLines(vip.attrs.label)).toEqual(['VIP vhid 1', '10.1.60.200', '    pf passes tcp 80, 443', 'fd5e:d1c2:c9de:60::200', '    pf passes tcp 80, 443']);
    const toMaster = edgesBetween(g, nodeByTitle(g, 'haproxy01.example.net'), vip);
    const toBackup = edgesBetween(g, nodeByTitle(g, 'haproxy02.example.net'), vip);
    expect(toMaster.map((e) => e.attrs.style)).toEqual(['solid']);
    expect(toBackup.map((e) => e.attrs.style)).toEqual(['dashed']);
  });

  test('the frontend lists every bind (IPv6 bracketed, TLS marked) and the redirect, and is fed by the VIP on :80 and :443 TLS', () => {
    const fe = nodeByTitle(g, 'frontend web');
    expect(labelLines(fe.attrs.label).slice(1)).toEqual([
      '10.1.60.200:80',
      '[fd5e:d1c2:c9de:60::200]:80',
      '10.1.60.200:443 TLS',
      '[fd5e:d1c2:c9de:60::200]:443 TLS',
      'HTTP → HTTPS redirect',
    ]);
    const binds = edgesBetween(g, nodeByTitle(g, 'VIP vhid 1'), fe);
    expect(binds.map((e) => labelText(e.attrs.label))).toEqual([':80, :443 TLS']);
  });

  test('Host routes are labelled edges from the frontend to their backends', () => {
    const fe = nodeByTitle(g, 'frontend web');
    const app = nodeByTitle(g, 'backend be_app');
    const wiki = nodeByTitle(g, 'backend be_wiki');
    expect(edgesBetween(g, fe, app).map((e) => labelText(e.attrs.label))).toEqual(['app.example.net']);
    expect(edgesBetween(g, fe, wiki).map((e) => labelText(e.attrs.label))).toEqual(['wiki.example.net']);
    expect(labelLines(app.attrs.label)).toEqual(['backend be_app', 'balance roundrobin', '2 servers']);
    expect(labelLines(wiki.attrs.label)).toEqual(['backend be_wiki', 'balance roundrobin', '1 server']);
  });

  test('servers hang off their backends outside the cluster box; the backup server and its edge are dashed', () => {
    const app = nodeByTitle(g, 'backend be_app');
    const app1 = nodeByTitle(g, 'app1');
    const app2 = nodeByTitle(g, 'app2 (backup)');
    const wiki1 = nodeByTitle(g, 'wiki1');
    expect(labelLines(app1.attrs.label)).toEqual(['app1', '10.1.70.11:8080']);
    expect(labelLines(app2.attrs.label)).toEqual(['app2 (backup)', '10.1.70.12:8080']);
    expect(labelLines(wiki1.attrs.label)).toEqual(['wiki1', '[fd5e:d1c2:c9de:70::21]:3000']);
    expect(app1.subgraphs).toEqual([]);
    expect(app1.attrs.style).not.toContain('dashed');
    expect(app2.attrs.style).toContain('dashed');
    expect(edgesBetween(g, app, app1).map((e) => e.attrs.style)).toEqual([undefined]);
    expect(edgesBetween(g, app, app2).map((e) => e.attrs.style)).toEqual(['dashed']);
    expect(edgesBetween(g, nodeByTitle(g, 'backend be_wiki'), wiki1)).toHaveLength(1);
  });

  test('every edge joins two declared nodes', () => {
    for (const e of g.edges) {
      expect(g.nodes.has(e.from), e.from).toBe(true);
      expect(g.nodes.has(e.to), e.to).toBe(true);
    }
  });
});

describe('renderTopologyDot', () => {
  test('the same model gives the same bytes', () => {
    expect(renderTopologyDot(referenceModel())).toBe(renderTopologyDot(referenceModel()));
  });

  test('the header becomes leading // comment lines and the comment a graph attribute', () => {
    const dot = renderTopologyDot(referenceModel(), { header: 'Generated by cdkbsd from /. Do not edit.', comment: 'made by cdkbsd' });
    expect(dot.split('\n')[0]).toBe('// Generated by cdkbsd from /. Do not edit.');
    expect(indexDot(dot).graphAttrs.comment).toBe('made by cdkbsd');
  });

  test('a default backend is a dashed edge labelled default', () => {
    const m = referenceModel();
    const c = m.clusters[0];
    const model: DiagramModel = { ...m, clusters: [{ ...c, frontends: [{ ...c.frontends[0], defaultBackend: 'be_wiki' }] }] };
    const g = indexDot(renderTopologyDot(model));
    const edges = edgesBetween(g, nodeByTitle(g, 'frontend web'), nodeByTitle(g, 'backend be_wiki'));
    expect(edges.map((e) => [labelText(e.attrs.label), e.attrs.style])).toEqual([
      ['wiki.example.net', undefined],
      ['default', 'dashed'],
    ]);
  });

  test('a stand-alone host gets its own box with its addresses, frontends and backends', () => {
    const model: DiagramModel = {
      clusters: [],
      hosts: [
        {
          hostname: 'solo.example.net',
          addresses: [{ address: '192.0.2.10', openPorts: [{ protocol: 'tcp', port: '443' }] }],
          frontends: [{ name: 'tls', binds: [{ address: '192.0.2.10', port: 443, tls: true }], routes: [{ domains: ['a.example.net', 'b.example.net'], backend: 'be' }] }],
          backends: [{ name: 'be', servers: [{ name: 's1', address: '127.0.0.1', port: 8080, backup: false }] }],
        },
      ],
    };
    const g = indexDot(renderTopologyDot(model));
    expect(g.subgraphs.get('cluster_host/solo.example.net')?.label).toBe('host solo.example.net\\l');
    const addr = nodeByTitle(g, 'addresses');
    expect(labelLines(addr.attrs.label)).toEqual(['addresses', '192.0.2.10', '    pf passes tcp 443']);
    const fe = nodeByTitle(g, 'frontend tls');
    expect(edgesBetween(g, addr, fe).map((e) => labelText(e.attrs.label))).toEqual([':443 TLS']);
    expect(edgesBetween(g, fe, nodeByTitle(g, 'backend be')).map((e) => labelLines(e.attrs.label))).toEqual([['a.example.net', 'b.example.net']]);
  });

  test('a big cluster (more than 4 backends) is drawn left to right; direction can be forced', () => {
    const c = referenceModel().clusters[0];
    const many = { ...c, backends: Array.from({ length: 5 }, (_, i) => ({ name: `be${i}`, servers: [] })) };
    expect(indexDot(renderTopologyDot({ clusters: [many], hosts: [] })).graphAttrs.rankdir).toBe('LR');
    expect(indexDot(renderTopologyDot(referenceModel(), { direction: 'LR' })).graphAttrs.rankdir).toBe('LR');
  });

  test('members keep preference order: the invisible same-rank chain runs in drawing order for TB and LR', () => {
    for (const direction of ['TB', 'LR'] as const) {
      const g = indexDot(renderTopologyDot(referenceModel(), { direction }));
      const chain = g.edges.filter((e) => e.attrs.style === 'invis');
      const h1 = nodeByTitle(g, 'haproxy01.example.net').id;
      const h2 = nodeByTitle(g, 'haproxy02.example.net').id;
      expect(chain.map((e) => [e.from, e.to])).toEqual([direction === 'TB' ? [h1, h2] : [h2, h1]]);
    }
  });

  test('serversInline lists servers in their backend box, backups marked, with no server nodes', () => {
    const g = indexDot(renderTopologyDot(referenceModel(), { serversInline: true }));
    expect(labelLines(nodeByTitle(g, 'backend be_app').attrs.label)).toEqual(['backend be_app', 'balance roundrobin', '• app1 10.1.70.11:8080', '• app2 10.1.70.12:8080 (backup)']);
    expect([...g.nodes.keys()].filter((id) => id.includes('/server/'))).toEqual([]);
  });

  test('two clusters with the same name get distinct boxes and node ids', () => {
    const c = referenceModel().clusters[0];
    const g = indexDot(renderTopologyDot({ clusters: [c, c], hosts: [] }));
    expect([...g.subgraphs.keys()].filter((k) => k.startsWith('cluster_'))).toEqual(['cluster_cluster/proxy', 'cluster_cluster/proxy#2']);
    const masters = [...g.nodes.values()].filter((n) => labelLines(n.attrs.label)[0] === 'haproxy01.example.net');
    expect(new Set(masters.map((n) => n.id)).size).toBe(2);
  });
});

describe('DOT escaping', () => {
  test('hostile names (quotes, backslashes, newlines, braces, escapes, entities) cannot break the graph and round-trip in labels', () => {
    const g = indexDot(renderTopologyDot(hostileModel(), { header: 'x\ny' }));
    // every cluster survived as its own box, none was injected
    expect([...g.subgraphs.keys()].filter((k) => k.startsWith('cluster_'))).toHaveLength(HOSTILE.length + 1);
    for (const name of HOSTILE) {
      const nameLines = name.split('\n');
      const host = [...g.nodes.values()].filter((n) => labelText(n.attrs.label ?? '').startsWith(`${name}\nadvskew`));
      expect(host, name).toHaveLength(1);
      const be = nodeByTitle(g, `backend ${nameLines[0]}`);
      expect(labelText(be.attrs.label)).toBe(`backend ${name}\nbalance ${name}\n1 server`);
      // the route edge carries the domain, the default edge goes to the same backend
      const routes = g.edges.filter((e) => e.to === be.id);
      expect(routes.map((e) => labelText(e.attrs.label))).toEqual([name, 'default']);
      const server = g.edges.find((e) => e.from === be.id)!;
      expect(labelText(g.nodes.get(server.to)!.attrs.label)).toBe(`${name} (backup)\n${name}:1`);
    }
    // no edge points at an undeclared node (an injected id would)
    for (const e of g.edges) expect(g.nodes.has(e.from) && g.nodes.has(e.to)).toBe(true);
  });
});
