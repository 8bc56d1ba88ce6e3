import { IConstruct } from 'constructs';
import { CarpCluster } from '../carp/carp-cluster';
import { AppFile, PlanSet } from '../core/contribution';
import { planOf } from '../core/pipeline';
import { FreeBsdHost } from '../core/host';
import { generatedHeader } from '../core/private/header';
import { Haproxy } from '../haproxy/haproxy';
import { IpAddress, IpPrefix } from '../net/address';
import { PfConfModel, PfPortModel } from '../pf/model';
import { PfRuleset } from '../pf/pf-ruleset';
import {
  DiagramAddress,
  DiagramBackend,
  DiagramCluster,
  DiagramFrontend,
  DiagramHost,
  DiagramModel,
  DiagramOpenPort,
} from './model';
import { renderTopologyDot } from './render-dot';
import { renderSvgs } from './render-svg';
import { compareStrings as cmp } from '../core/private/compare';

/**
 * Builds the topology diagram from the construct tree and hands the app its files:
 * `topology.dot` and `topology.svg`, or, with more than `SPLIT_ABOVE` clusters and hosts,
 * `topology/<name>.dot|svg` per cluster (and per stand-alone host) plus `topology/index.html`.
 *
 * Read-only over the tree: it uses the public getters of CarpCluster, CarpVip, Haproxy and
 * PfRuleset, and the internal `_model()` views of frontends, backends and rulesets (the same
 * canonical models their renderers use). Internal (not exported from lib/index.ts); importing
 * this module registers the provider with the App (`App({ diagram: false })` or
 * `npx synth --no-diagram` turn it off).
 */

/** Up to this many diagram groups (clusters + stand-alone hosts) go into one diagram. */
export const SPLIT_ABOVE = 10;

/** Options of `topologyFiles`. */
export interface TopologyOptions {
  /**
   * Split into one diagram per cluster above this many clusters and stand-alone hosts.
   * @default SPLIT_ABOVE
   */
  readonly splitAbove?: number;
  /** Title of the single diagram. @default - none */
  readonly title?: string;
}

/** Builds the diagram model of the whole app (clusters in tree order, then stand-alone hosts by hostname). */
export function buildTopologyModel(app: IConstruct, title?: string, plans?: PlanSet): DiagramModel {
  const all = app.node.findAll();
  const planSet = plans ?? planOf(app);
  const pfOf = (host: FreeBsdHost) => pfRulesOf(host, rulesets, planSet);
  const clusters = all.filter((c): c is CarpCluster => c instanceof CarpCluster);
  const haproxies = all.filter((c): c is Haproxy => c instanceof Haproxy);
  const rulesets = all.filter((c): c is PfRuleset => c instanceof PfRuleset);
  const clustered = new Set<FreeBsdHost>(clusters.flatMap((c) => c.members));
  const hosts = all
    .filter(FreeBsdHost.isFreeBsdHost)
    .filter((h) => !clustered.has(h))
    .sort((a, b) => cmp(a.hostname, b.hostname));
  return {
    title,
    clusters: clusters.map((c) => clusterModel(c, haproxies, pfOf)),
    hosts: hosts.map((h) => hostModel(h, haproxies, pfOf)),
  };
}

function clusterModel(c: CarpCluster, haproxies: Haproxy[], pfOf: (h: FreeBsdHost) => PassIn[]): DiagramCluster {
  const members = c.targetHosts;
  const master = c.preferredMaster;
  // The firewall as the preferred master (the host that holds the VIPs) applies it.
  const pf = FreeBsdHost.isFreeBsdHost(master) ? pfOf(master) : [];
  const proxies = haproxies.filter((h) => h.hosts.some((x) => members.includes(x)));
  const vipAddresses = c.vips.flatMap((v) => v.addresses);
  return {
    name: c.node.path,
    interfaceName: c.interfaceName,
    members: members.map((m) => ({ hostname: m.hostname, advskew: c.advskewOf(m), preferredMaster: m === master })),
    vips: c.vips.map((v) => ({
      vhid: v.vhid,
      name: c.vips.length > 1 ? v.node.id : undefined,
      addresses: v.addresses.map((a) => addressModel(a, pf)),
    })),
    ...proxyModel(proxies),
    otherOpenPorts: otherOpenPorts(pf, vipAddresses),
  };
}

function hostModel(h: FreeBsdHost, haproxies: Haproxy[], pfOf: (h: FreeBsdHost) => PassIn[]): DiagramHost {
  const pf = pfOf(h);
  const addrs = h.interfaces.flatMap((i) => i.addresses.map((a) => a.address)).filter((a) => !a.isLinkLocal);
  return {
    hostname: h.hostname,
    addresses: addrs.map((a) => addressModel(a, pf)),
    ...proxyModel(haproxies.filter((x) => x.hosts.includes(h))),
    otherOpenPorts: otherOpenPorts(pf, addrs),
  };
}

function proxyModel(proxies: Haproxy[]): { frontends: DiagramFrontend[]; backends: DiagramBackend[] } {
  const frontends: DiagramFrontend[] = [];
  const backends: DiagramBackend[] = [];
  for (const p of proxies) {
    for (const f of p.frontends) {
      const m = f._model();
      frontends.push({
        name: m.name,
        binds: m.binds.map((b) => ({ address: b.address, port: b.port, tls: b.tls !== undefined })),
        routes: [
          ...m.routes.flatMap((r) => (r.backend !== undefined ? [{ domains: [...r.domains], backend: r.backend }] : [])),
          ...(m.sniRoutes ?? []).map((r) => ({ domains: [...r.domains], backend: r.backend })),
        ],
        defaultBackend: m.defaultBackend,
        redirectsToHttps: m.httpsRedirectCode !== undefined,
      });
    }
    for (const b of p.backends) {
      const m = b._model();
      backends.push({
        name: m.name,
        balance: m.balance,
        servers: m.servers.map((s) => ({ name: s.name, address: s.address, port: s.port, backup: s.backup })),
      });
    }
  }
  return { frontends, backends };
}

/** A pass-in rule reduced to what the diagram shows. */
interface PassIn {
  /** Destinations as written. Empty: any. */
  readonly to: string[];
  readonly ports: DiagramOpenPort[];
}

/** The TCP/UDP pass-in rules (with destination ports) of every ruleset on `host`, in rule order. */
function pfRulesOf(host: FreeBsdHost, rulesets: PfRuleset[], plans: PlanSet): PassIn[] {
  const out: PassIn[] = [];
  for (const rs of rulesets.filter((r) => r.hosts.includes(host))) {
    const plan = plans.planOf(host);
    if (!plan) continue;
    const model: PfConfModel = rs._modelFor(plan);
    const tables = new Map(model.tables.map((t) => [t.name, t.addresses]));
    for (const r of model.filter) {
      if (r.action !== 'pass' || r.direction === 'out' || r.toPorts.length === 0) continue;
      const protos = r.protocols.filter((p) => p === 'tcp' || p === 'udp');
      if (protos.length === 0) continue;
      const to = r.to.flatMap((t) => {
        const m = /^<(.+)>$/.exec(t);
        return m ? tables.get(m[1]) ?? [t] : [t];
      });
      out.push({ to, ports: protos.flatMap((protocol) => r.toPorts.map((p) => ({ protocol, port: portText(p) }))) });
    }
  }
  return out;
}

function portText(p: PfPortModel): string {
  return p.to === undefined ? String(p.from) : `${p.from}:${p.to}`;
}

/**
 * Whether a rule destination names `a`: the address itself, a prefix holding it, or `self`
 * (every address of the host, CARP addresses included). Macros and the like do not count.
 */
function destinationMatches(dest: string, a: IpAddress): boolean {
  if (dest === 'self') return true;
  if (dest.includes('/')) {
    try {
      return IpPrefix.parse(dest).contains(a);
    } catch {
      return false;
    }
  }
  const d = IpAddress._tryParse(dest);
  return d !== undefined && d.text === a.text;
}

function addressModel(a: IpAddress, pf: PassIn[]): DiagramAddress {
  const openPorts: DiagramOpenPort[] = [];
  for (const r of pf) {
    if (!r.to.some((t) => destinationMatches(t, a))) continue;
    for (const p of r.ports) if (!openPorts.some((o) => o.protocol === p.protocol && o.port === p.port)) openPorts.push(p);
  }
  return { address: a.text, openPorts };
}

/** Ports passed in to any destination, or to destinations that are none of `shown`. */
function otherOpenPorts(pf: PassIn[], shown: IpAddress[]): DiagramOpenPort[] {
  const out: DiagramOpenPort[] = [];
  for (const r of pf) {
    const elsewhere = r.to.length === 0 || r.to.some((t) => !shown.some((a) => destinationMatches(t, a)));
    if (!elsewhere) continue;
    for (const p of r.ports) if (!out.some((o) => o.protocol === p.protocol && o.port === p.port)) out.push(p);
  }
  return out;
}

/** A file name for a diagram group: letters, digits, `.`, `_`, `-`. Unique among `used`. */
export function diagramFileName(name: string, used: Set<string>): string {
  const base = name.replace(/^\/+/, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'diagram';
  let n = base;
  for (let i = 2; used.has(n.toLowerCase()) || n.toLowerCase() === 'index'; i++) n = `${base}-${i}`;
  used.add(n.toLowerCase());
  return n;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** One diagram to render: where, and from which model. */
interface Page {
  readonly base: string;
  readonly title: string;
  readonly model: DiagramModel;
  readonly serversInline: boolean;
}

/**
 * The app-level files of the topology diagram. SVGs are rendered together (one batch, in
 * parallel worker threads) the first time any of them is asked for.
 */
export function topologyFiles(app: IConstruct, options: TopologyOptions = {}, plans?: PlanSet): AppFile[] {
  const model = buildTopologyModel(app, options.title, plans);
  const groups = model.clusters.length + model.hosts.length;
  const split = groups > (options.splitAbove ?? SPLIT_ABOVE);
  const source = app.node.path || 'the app';
  const pages: Page[] = [];
  if (!split) {
    pages.push({ base: 'topology', title: options.title ?? 'topology', model, serversInline: false });
  } else {
    const used = new Set<string>();
    for (const c of model.clusters) {
      pages.push({ base: `topology/${diagramFileName(c.name, used)}`, title: `cluster ${c.name}`, model: { title: undefined, clusters: [c], hosts: [] }, serversInline: true });
    }
    for (const h of model.hosts) {
      pages.push({ base: `topology/${diagramFileName(h.hostname, used)}`, title: `host ${h.hostname}`, model: { title: undefined, clusters: [], hosts: [h] }, serversInline: true });
    }
  }
  const header = generatedHeader(source, '//').replace(/^\/\/ /, '');
  const dots = pages.map((p) => renderTopologyDot(p.model, { header, comment: header, serversInline: p.serversInline }));
  let svgs: string[] | undefined;
  const svg = (i: number) => {
    svgs ??= renderSvgs(dots);
    return svgs[i];
  };
  const files: AppFile[] = [];
  pages.forEach((p, i) => {
    files.push({ path: `${p.base}.dot`, owner: app, render: () => dots[i] });
    files.push({ path: `${p.base}.svg`, owner: app, render: () => svg(i) });
  });
  if (split) {
    const items = pages.map((p) => {
      const file = p.base.slice('topology/'.length);
      return `<li><a href="${escapeHtml(file)}.svg">${escapeHtml(p.title)}</a> (<a href="${escapeHtml(file)}.dot">dot</a>)</li>`;
    });
    const html = [
      '<!DOCTYPE html>',
      `<!-- ${header.replace(/--/g, '- -')} -->`,
      '<html lang="en"><head><meta charset="utf-8"><title>cdkbsd topology</title></head><body>',
      `<h1>Topology: ${model.clusters.length} clusters, ${model.hosts.length} stand-alone hosts</h1>`,
      '<ul>',
      ...items,
      '</ul>',
      '</body></html>',
      '',
    ].join('\n');
    files.push({ path: 'topology/index.html', owner: app, render: () => html });
  }
  return files;
}


