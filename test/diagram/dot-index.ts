import parse from 'dotparser';

/** A node of a parsed DOT graph, with the subgraph ids it sits in (outermost first). */
export interface ParsedNode {
  readonly id: string;
  readonly attrs: Record<string, string>;
  readonly subgraphs: string[];
}

/** An edge of a parsed DOT graph. */
export interface ParsedEdge {
  readonly from: string;
  readonly to: string;
  readonly attrs: Record<string, string>;
}

/** A parsed DOT digraph, indexed for assertions. */
export interface DotIndex {
  readonly graphAttrs: Record<string, string>;
  readonly nodes: Map<string, ParsedNode>;
  readonly edges: ParsedEdge[];
  /** Subgraph id → its graph attributes. */
  readonly subgraphs: Map<string, Record<string, string>>;
}

/**
 * Graphviz's reading of a label string as dotparser returns it (dotparser already turned `\"`
 * into `"`): `\\` is a backslash, `\n` `\l` `\r` end a line, `&amp;` is `&`.
 */
export function labelText(raw: string): string {
  return raw
    .replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'l' || c === 'r' ? '\n' : c))
    .replace(/&amp;/g, '&')
    .replace(/\n$/, '');
}

/** The lines of a label, as Graphviz draws them. */
export function labelLines(raw: string | undefined): string[] {
  return raw === undefined ? [] : labelText(raw).split('\n');
}

/** Graphviz's reading of a quoted id (dotparser has turned `\"` into `"`; `\\` stays two chars). */
export function idText(raw: string | number): string {
  return String(raw).replace(/\\\\/g, '\\');
}

function attrList(list: { id: string | number; eq: unknown }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of list) out[String(a.id)] = String(a.eq);
  return out;
}

/** Parses DOT (throws on a syntax error) and indexes nodes, edges and subgraphs. */
export function indexDot(dot: string): DotIndex {
  const graphs = parse(dot);
  if (graphs.length !== 1) throw new Error(`expected one graph, got ${graphs.length}`);
  const nodes = new Map<string, ParsedNode>();
  const edges: ParsedEdge[] = [];
  const subgraphs = new Map<string, Record<string, string>>();
  let graphAttrs: Record<string, string> = {};
  const walk = (children: any[], path: string[]) => {
    for (const s of children) {
      if (s.type === 'attr_stmt' && s.target === 'graph') {
        const a = attrList(s.attr_list);
        if (path.length === 0) graphAttrs = { ...graphAttrs, ...a };
        else subgraphs.set(path[path.length - 1], { ...(subgraphs.get(path[path.length - 1]) ?? {}), ...a });
      } else if (s.type === 'node_stmt') {
        const id = idText(s.node_id.id);
        const prev = nodes.get(id);
        nodes.set(id, { id, attrs: { ...(prev?.attrs ?? {}), ...attrList(s.attr_list) }, subgraphs: prev?.subgraphs ?? path });
      } else if (s.type === 'edge_stmt') {
        const a = attrList(s.attr_list);
        for (let i = 0; i + 1 < s.edge_list.length; i++) {
          edges.push({ from: idText(s.edge_list[i].id), to: idText(s.edge_list[i + 1].id), attrs: a });
        }
      } else if (s.type === 'subgraph') {
        const id = s.id === undefined ? `(anonymous ${path.length})` : idText(s.id);
        if (!subgraphs.has(id)) subgraphs.set(id, {});
        walk(s.children, [...path, id]);
      }
    }
  };
  walk(graphs[0].children, []);
  return { graphAttrs, nodes, edges, subgraphs };
}

/** The one node whose first label line is `firstLine`; throws when there is none or several. */
export function nodeByTitle(g: DotIndex, firstLine: string): ParsedNode {
  const found = [...g.nodes.values()].filter((n) => labelLines(n.attrs.label)[0] === firstLine);
  if (found.length !== 1) throw new Error(`expected one node titled ${JSON.stringify(firstLine)}, found ${found.length}`);
  return found[0];
}

/** Edges from `from` to `to`. */
export function edgesBetween(g: DotIndex, from: ParsedNode, to: ParsedNode): ParsedEdge[] {
  return g.edges.filter((e) => e.from === from.id && e.to === to.id);
}
