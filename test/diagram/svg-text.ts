import { XMLParser } from 'fast-xml-parser';

/** The text of every <text> element of an SVG, in document order (entities decoded). */
export function svgTexts(svg: string): string[] {
  const parser = new XMLParser({ ignoreAttributes: true, preserveOrder: true, trimValues: false, processEntities: true, htmlEntities: true });
  const out: string[] = [];
  const walk = (nodes: any[]) => {
    for (const n of nodes) {
      for (const [k, v] of Object.entries(n)) {
        if (k === 'text' && Array.isArray(v)) out.push(v.map((c: any) => String(c['#text'] ?? '')).join('').replace(/\u00a0/g, ' '));
        else if (Array.isArray(v)) walk(v);
      }
    }
  };
  walk(parser.parse(svg));
  return out;
}
