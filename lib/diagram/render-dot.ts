import {
  DiagramAddress,
  DiagramBackend,
  DiagramCluster,
  DiagramFrontend,
  DiagramHost,
  DiagramModel,
  DiagramOpenPort,
  DiagramServer,
} from './model';

/**
 * Renders the topology model as a Graphviz DOT digraph (pure, deterministic).
 *
 * Left to right: member hosts → VIPs (with the ports the firewall opens on each address) →
 * frontends (binds, TLS) → backends (Host routes as labelled edges, the default backend as a
 * dashed edge) → servers (backup servers dashed). Each cluster (and each stand-alone host) is
 * a `subgraph cluster_…` box; servers sit outside the boxes, since they run elsewhere.
 *
 * Every id and label is quoted and escaped (`escapeDotText`), so no name can break the graph.
 *
 * @param model the diagram model
 * @param options.header a comment line put first (e.g. the generated-file header)
 */
export function renderTopologyDot(model: DiagramModel, options: RenderDotOptions = {}): string {
  const out = new DotWriter();
  if (options.header) {
    for (const line of options.header.split(/\r\n|\r|\n/)) out.raw(`// ${line}`);
  }
  out.raw('digraph "topology" {');
  out.indent++;
  const direction = options.direction ?? autoDirection(model);
  const graphAttrs: Record<string, string> = {
    rankdir: direction,
    fontname: FONT,
    fontsize: '13',
    nodesep: '0.25',
    ranksep: '0.4',
    newrank: 'true',
    bgcolor: 'white',
    pad: '0.2',
  };
  if (options.comment) graphAttrs.comment = options.comment;
  if (model.title) {
    graphAttrs.label = model.title;
    graphAttrs.labelloc = 't';
    graphAttrs.labeljust = 'l';
    graphAttrs.fontsize = '16';
  }
  out.stmt(`graph ${attrs(graphAttrs)}`);
  out.stmt(`node ${attrs({ fontname: FONT, fontsize: '11', shape: 'box', style: 'rounded,filled', fillcolor: 'white', color: '#475569', margin: '0.12,0.06' })}`);
  out.stmt(`edge ${attrs({ fontname: FONT, fontsize: '10', color: '#475569', fontcolor: '#334155', arrowsize: '0.7' })}`);

  const used = new Set<string>();
  const inline = options.serversInline ?? false;
  model.clusters.forEach((c) => renderCluster(out, c, groupKey(used, `cluster/${c.name}`), inline, direction));
  model.hosts.forEach((h) => renderHost(out, h, groupKey(used, `host/${h.hostname}`), inline));
  if (options.legend) renderLegend(out);

  out.indent--;
  out.raw('}');
  return out.text();
}

/** `TB` when every box is small enough to fit a page's width top to bottom, `LR` otherwise. */
export function autoDirection(model: DiagramModel): 'TB' | 'LR' {
  const groups = [...model.clusters, ...model.hosts];
  const small = groups.every((g) => g.backends.length <= 4 && g.backends.reduce((n, b) => n + b.servers.length, 0) <= 6 && g.frontends.length <= 4);
  return small && groups.length <= 2 ? 'TB' : 'LR';
}

/** Options of `renderTopologyDot`. */
export interface RenderDotOptions {
  /** A comment line (or lines) put first, as `//` comments. */
  readonly header?: string;
  /** The graph's `comment` attribute. Graphviz copies it into the SVG as an XML comment. */
  readonly comment?: string;
  /** Whether to draw a small legend. */
  readonly legend?: boolean;
  /**
   * Layout direction: `TB` (top to bottom) or `LR` (left to right).
   * @default - `TB` for small diagrams (at most 4 backends and 6 servers per box: fits a README
   *   page), `LR` otherwise (many backends side by side would make TB very wide)
   */
  readonly direction?: 'TB' | 'LR';
  /**
   * List servers inside their backend's box (a line each, backups marked `(backup)`) instead
   * of as nodes of their own: far cheaper to lay out (about 6× for 20 backends of 4 servers),
   * for fleets.
   */
  readonly serversInline?: boolean;
}

/**
 * Graphviz (without fontconfig, as in WebAssembly) sizes text from built-in metrics of a few
 * named fonts. Verdana is among the widest, so labels fit whichever font the viewer falls back
 * to (DejaVu Sans, Helvetica, Arial …).
 */
const FONT = 'Verdana';
const COLORS = {
  clusterBorder: '#1e3a8a',
  clusterFill: '#f8fafc',
  hostBorder: '#334155',
  master: '#bbf7d0',
  backupHost: '#e2e8f0',
  vip: '#fef3c7',
  frontend: '#dbeafe',
  backend: '#ede9fe',
  server: '#ffffff',
  firewall: '#fee2e2',
};

/**
 * Escapes text for the inside of a DOT double-quoted string: backslash and double quote are
 * backslash-escaped, line breaks become `\n`, other control characters become U+FFFD.
 * Graphviz reads `\\` in a label as one backslash, so `\N`, `\G`, `\l` … in user text stay
 * literal.
 */
export function escapeDotText(text: string): string {
  return String(text)
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f]/g, '\uFFFD');
}

/**
 * Escapes text for a label: `escapeDotText`, plus `&` as `&amp;`, since Graphviz decodes
 * HTML entities in plain labels too (`&lt;` would otherwise show as `<`).
 */
export function escapeLabelText(text: string): string {
  return escapeDotText(String(text).replace(/&/g, '&amp;'));
}

/** A quoted DOT id. */
export function quoteId(text: string): string {
  return `"${escapeDotText(text)}"`;
}

/** A left-justified multi-line label from plain lines (each escaped). */
function lines(...items: string[]): LabelText {
  return new LabelText(items.map((l) => `${escapeLabelText(l)}\\l`).join(''));
}

/** Already escaped label text (used as-is inside quotes). */
class LabelText {
  constructor(public readonly escaped: string) {}
}

type AttrValue = string | LabelText;

function attrs(a: Record<string, AttrValue>): string {
  const parts = Object.keys(a).map((k) => {
    const v = a[k];
    const text = v instanceof LabelText ? v.escaped : k === 'label' || k === 'xlabel' || k === 'tooltip' ? escapeLabelText(v) : escapeDotText(v);
    return `${k}="${text}"`;
  });
  return `[${parts.join(', ')}]`;
}

class DotWriter {
  public indent = 0;
  private readonly out: string[] = [];
  raw(line: string) {
    this.out.push(line);
  }
  stmt(s: string) {
    this.out.push(`${'  '.repeat(this.indent)}${s}`);
  }
  node(id: string, a: Record<string, AttrValue>) {
    this.stmt(`${quoteId(id)} ${attrs(a)}`);
  }
  edge(from: string, to: string, a: Record<string, AttrValue> = {}) {
    const list = Object.keys(a).length ? ` ${attrs(a)}` : '';
    this.stmt(`${quoteId(from)} -> ${quoteId(to)}${list}`);
  }
  open(id: string, a: Record<string, AttrValue>) {
    this.stmt(`subgraph ${quoteId(id)} {`);
    this.indent++;
    this.stmt(`graph ${attrs(a)}`);
  }
  close() {
    this.indent--;
    this.stmt('}');
  }
  text() {
    return this.out.join('\n') + '\n';
  }
}

/** A unique key for a group (two groups with one name get `#2`, `#3` …). */
function groupKey(used: Set<string>, key: string): string {
  let k = key;
  for (let i = 2; used.has(k); i++) k = `${key}#${i}`;
  used.add(k);
  return k;
}

/** Formats `tcp 80, 443 · udp 53` from a list of open ports (order kept, grouped by protocol). */
export function formatOpenPorts(ports: DiagramOpenPort[]): string {
  const byProto = new Map<string, string[]>();
  for (const p of ports) {
    const list = byProto.get(p.protocol) ?? [];
    if (!list.includes(p.port)) list.push(p.port);
    byProto.set(p.protocol, list);
  }
  return [...byProto].map(([proto, list]) => `${proto} ${list.join(', ')}`).join(' · ');
}

/** `10.1.60.200:443` or `[fd5e::200]:443`. */
export function formatHostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** Each address on a line, followed by an indented line of the ports PF opens on it, if any. */
function addressLines(addresses: DiagramAddress[]): string[] {
  return addresses.flatMap((a) => (a.openPorts.length ? [a.address, `    pf passes ${formatOpenPorts(a.openPorts)}`] : [a.address]));
}

function clusterLabel(head: string, other: DiagramOpenPort[] | undefined): LabelText {
  return other && other.length ? lines(head, `pf also passes in: ${formatOpenPorts(other)}`) : lines(head);
}

function renderCluster(out: DotWriter, c: DiagramCluster, key: string, inline: boolean, direction: 'TB' | 'LR') {
  out.open(`cluster_${key}`, {
    label: clusterLabel(`CARP cluster ${c.name} on ${c.interfaceName}`, c.otherOpenPorts),
    labeljust: 'l',
    style: 'rounded,filled',
    color: COLORS.clusterBorder,
    fillcolor: COLORS.clusterFill,
    penwidth: '1.5',
    fontsize: '13',
  });
  const hostIds: string[] = [];
  for (const m of c.members) {
    const id = `${key}/host/${m.hostname}`;
    hostIds.push(id);
    out.node(id, {
      label: lines(m.hostname, `advskew ${m.advskew}${m.preferredMaster ? ' · preferred master' : ''}`),
      fillcolor: m.preferredMaster ? COLORS.master : COLORS.backupHost,
      penwidth: m.preferredMaster ? '2' : '1',
      color: COLORS.hostBorder,
    });
  }
  if (hostIds.length > 1) {
    // Keep the members in preference order, left to right (TB) or top to bottom (LR: there
    // Graphviz puts the head of a same-rank edge above its tail).
    const chain = direction === 'LR' ? [...hostIds].reverse() : hostIds;
    out.stmt(`{ rank="same"; ${chain.map(quoteId).join(' -> ')} [style="invis"] }`);
  }
  const vipIds = new Map<string, string>();
  for (const v of c.vips) {
    const id = `${key}/vip/${v.vhid}${v.name ? `/${v.name}` : ''}`;
    for (const a of v.addresses) if (!vipIds.has(a.address)) vipIds.set(a.address, id);
    out.node(id, {
      label: lines(`VIP vhid ${v.vhid}${v.name ? ` (${v.name})` : ''}`, ...addressLines(v.addresses)),
      fillcolor: COLORS.vip,
      shape: 'box',
      style: 'filled',
    });
    for (const [i, hostId] of hostIds.entries()) {
      const m = c.members[i];
      out.edge(hostId, id, { style: m.preferredMaster ? 'solid' : 'dashed', arrowhead: 'none', penwidth: m.preferredMaster ? '1.6' : '1' });
    }
  }
  renderProxy(out, key, c.frontends, c.backends, vipIds, inline);
  out.close();
  if (!inline) renderServers(out, key, c.backends);
}

function renderHost(out: DotWriter, h: DiagramHost, key: string, inline: boolean) {
  out.open(`cluster_${key}`, {
    label: clusterLabel(`host ${h.hostname}`, h.otherOpenPorts),
    labeljust: 'l',
    style: 'rounded,filled',
    color: COLORS.hostBorder,
    fillcolor: COLORS.clusterFill,
  });
  const hostId = `${key}/host`;
  out.node(hostId, { label: lines(h.hostname), fillcolor: COLORS.backupHost, color: COLORS.hostBorder });
  const addrIds = new Map<string, string>();
  if (h.addresses.length) {
    const id = `${key}/addresses`;
    for (const a of h.addresses) addrIds.set(a.address, id);
    out.node(id, { label: lines('addresses', ...addressLines(h.addresses)), fillcolor: COLORS.vip, style: 'filled' });
    out.edge(hostId, id, { arrowhead: 'none' });
  }
  renderProxy(out, key, h.frontends, h.backends, addrIds, inline);
  out.close();
  if (!inline) renderServers(out, key, h.backends);
}

function frontendId(key: string, f: DiagramFrontend) {
  return `${key}/frontend/${f.name}`;
}
function backendId(key: string, name: string) {
  return `${key}/backend/${name}`;
}
/** Server node ids: server names are unique within a backend, not across backends. */
function serverId(key: string, b: DiagramBackend, s: DiagramServer) {
  return `${key}/backend/${b.name}/server/${s.name}`;
}

function renderProxy(out: DotWriter, key: string, frontends: DiagramFrontend[], backends: DiagramBackend[], addressNodes: Map<string, string>, inline: boolean) {
  for (const f of frontends) {
    const id = frontendId(key, f);
    const bindLines = f.binds.map((b) => `${formatHostPort(b.address, b.port)}${b.tls ? ' TLS' : ''}`);
    const head = `frontend ${f.name}`;
    out.node(id, { label: lines(head, ...bindLines, ...(f.redirectsToHttps ? ['HTTP → HTTPS redirect'] : [])), fillcolor: COLORS.frontend });
    // One edge per address node, labelled with the ports bound on it.
    const byNode = new Map<string, string[]>();
    for (const b of f.binds) {
      const n = addressNodes.get(b.address);
      if (!n) continue;
      const list = byNode.get(n) ?? [];
      const p = `:${b.port}${b.tls ? ' TLS' : ''}`;
      if (!list.includes(p)) list.push(p);
      byNode.set(n, list);
    }
    for (const [n, ports] of byNode) out.edge(n, id, { label: ports.join(', ') });
  }
  for (const b of backends) {
    out.node(backendId(key, b.name), {
      label: lines(
        `backend ${b.name}`,
        ...(b.balance ? [`balance ${b.balance}`] : []),
        ...(inline ? b.servers.map(serverLine) : [`${b.servers.length} server${b.servers.length === 1 ? '' : 's'}`]),
      ),
      fillcolor: COLORS.backend,
    });
  }
  for (const f of frontends) {
    for (const r of f.routes) {
      out.edge(frontendId(key, f), backendId(key, r.backend), { label: lines(...r.domains), color: '#1d4ed8', fontcolor: '#1e3a8a' });
    }
    if (f.defaultBackend) {
      out.edge(frontendId(key, f), backendId(key, f.defaultBackend), { label: 'default', style: 'dashed' });
    }
  }
}

/** `app1 10.1.70.11:8080 (backup)`: a server as one line of its backend's box. */
function serverLine(s: DiagramServer): string {
  return `• ${s.name} ${formatHostPort(s.address, s.port)}${s.backup ? ' (backup)' : ''}`;
}

function renderServers(out: DotWriter, key: string, backends: DiagramBackend[]) {
  for (const b of backends) {
    for (const s of b.servers) {
      const id = serverId(key, b, s);
      out.node(id, {
        label: lines(`${s.name}${s.backup ? ' (backup)' : ''}`, formatHostPort(s.address, s.port)),
        shape: 'box',
        style: s.backup ? 'rounded,dashed' : 'rounded,filled',
        fillcolor: COLORS.server,
      });
      out.edge(backendId(key, b.name), id, s.backup ? { style: 'dashed' } : {});
    }
  }
}

function renderLegend(out: DotWriter) {
  out.open('cluster_legend', { label: 'legend', labeljust: 'l', style: 'rounded', color: '#94a3b8', fontsize: '11' });
  out.node('legend/text', {
    shape: 'plaintext',
    style: '',
    label: lines(
      'green host: preferred master (lowest advskew)',
      'solid blue edge: Host route (domains → backend)',
      'dashed edge: default backend / backup server',
      'pf: ports the firewall passes in to that address',
    ),
  });
  out.close();
}
