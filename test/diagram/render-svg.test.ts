import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, test } from 'vitest';
import { renderTopologyDot } from '../../lib/diagram/render-dot';
import { renderSvg, renderSvgs } from '../../lib/diagram/render-svg';
import { fleetCluster, HOSTILE, hostileModel, referenceModel } from './fixtures';
import { svgTexts } from './svg-text';

describe('renderSvg', () => {
  const dot = renderTopologyDot(referenceModel());
  const svg = renderSvg(dot);

  test('gives well-formed XML with an <svg> root', () => {
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
    expect(doc.svg).toBeDefined();
  });

  test('its <text> elements name every host, VIP address, frontend bind, route, backend and server', () => {
    const texts = svgTexts(svg);
    for (const t of [
      'haproxy01.example.net',
      'advskew 0 · preferred master',
      'haproxy02.example.net',
      'advskew 100',
      'VIP vhid 1',
      '10.1.60.200',
      'fd5e:d1c2:c9de:60::200',
      '    pf passes tcp 80, 443',
      'frontend web',
      'HTTP → HTTPS redirect',
      '10.1.60.200:443 TLS',
      '[fd5e:d1c2:c9de:60::200]:443 TLS',
      ':80, :443 TLS',
      'app.example.net',
      'wiki.example.net',
      'backend be_app',
      'backend be_wiki',
      'app1',
      '10.1.70.11:8080',
      'app2 (backup)',
      'wiki1',
      '[fd5e:d1c2:c9de:70::21]:3000',
    ]) {
      expect(texts, t).toContain(t);
    }
  });

  test('is deterministic: the same DOT gives the same bytes, in the worker thread and in a child process', () => {
    expect(renderSvg(dot)).toBe(svg);
    expect(renderSvg(dot, 'worker')).toBe(svg);
    expect(renderSvg(dot, 'child-process')).toBe(svg);
  });

  test('renders several sources in one call, in order', () => {
    const other = renderTopologyDot({ clusters: [fleetCluster(3)], hosts: [] });
    const [a, b] = renderSvgs([dot, other]);
    expect(a).toBe(svg);
    expect(svgTexts(b)).toContain('lb1.site3.example.net');
  });

  test('hostile names give well-formed SVG whose texts show them verbatim', () => {
    const hostile = renderSvg(renderTopologyDot(hostileModel()));
    expect(XMLValidator.validate(hostile)).toBe(true);
    const texts = svgTexts(hostile);
    for (const name of HOSTILE) {
      for (const line of name.split('\n')) expect(texts.some((t) => t.includes(line)), JSON.stringify(line)).toBe(true);
    }
  });

  test('a DOT syntax error throws with Graphviz\'s message, and the next render still works', () => {
    expect(() => renderSvg('digraph { a -> }')).toThrow(/Graphviz could not render.*syntax error/);
    expect(renderSvg(dot)).toBe(svg);
  });

  test('timing: the reference setup and one cluster of the 1,000-site fleet', () => {
    const time = (f: () => void) => {
      const t = performance.now();
      f();
      return performance.now() - t;
    };
    const fleetDot = renderTopologyDot({ clusters: [fleetCluster(42)], hosts: [] });
    const ref = time(() => renderSvg(dot, 'worker'));
    const fleet = time(() => renderSvg(fleetDot, 'worker'));
    const child = time(() => renderSvg(dot, 'child-process'));
    // eslint-disable-next-line no-console
    console.log(`diagram render: reference ${ref.toFixed(1)} ms, one fleet cluster ${fleet.toFixed(1)} ms (worker); reference in a child process ${child.toFixed(0)} ms`);
    expect(ref).toBeLessThan(2_000);
    expect(fleet).toBeLessThan(5_000);
  });
});
