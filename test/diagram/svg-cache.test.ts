import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { renderSvg } from '../../lib/diagram/render-svg';
import { SvgCache, svgCacheDir } from '../../lib/diagram/svg-cache';

const DOT = 'digraph { a -> b }';

describe('the SVG cache', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-svgcache-'));
    process.env.CDKBSD_CACHE_DIR = dir;
    delete process.env.CDKBSD_NO_CACHE;
  });
  afterEach(() => {
    process.env = { ...saved };
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const entries = () => (fs.existsSync(path.join(dir, 'svg')) ? fs.readdirSync(path.join(dir, 'svg')) : []);

  test('a miss renders with Graphviz and stores the SVG; the next render of the same DOT is read back', () => {
    const svg = renderSvg(DOT);
    expect(svg).toMatch(/<svg/);
    expect(entries()).toHaveLength(1);
    expect(SvgCache.open(dir).get(DOT)).toBe(svg);
    // A planted entry proves the render reads the cache instead of Graphviz.
    SvgCache.open(dir).put(DOT, '<svg>planted</svg>');
    expect(renderSvg(DOT)).toBe('<svg>planted</svg>');
  });

  test('another DOT source is a miss; explicit modes (worker, child process) never use the cache', () => {
    SvgCache.open(dir).put(DOT, '<svg>planted</svg>');
    expect(SvgCache.open(dir).get('digraph { a -> c }')).toBeUndefined();
    expect(renderSvg(DOT, 'worker')).toMatch(/<svg width/);
  });

  test('a corrupt or truncated entry is ignored and rewritten', () => {
    const svg = renderSvg(DOT);
    const file = path.join(dir, 'svg', entries()[0]);
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.slice(0, text.length - 10)); // truncated
    expect(SvgCache.open(dir).get(DOT)).toBeUndefined();
    expect(renderSvg(DOT)).toBe(svg);
    expect(fs.readFileSync(file, 'utf8')).toBe(text);
    fs.writeFileSync(file, 'garbage');
    expect(SvgCache.open(dir).get(DOT)).toBeUndefined();
    expect(renderSvg(DOT)).toBe(svg);
    expect(entries().filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('CDKBSD_NO_CACHE=1 turns it off: nothing read, nothing written', () => {
    process.env.CDKBSD_NO_CACHE = '1';
    expect(svgCacheDir()).toBeUndefined();
    expect(renderSvg(DOT)).toMatch(/<svg/);
    expect(entries()).toEqual([]);
  });

  test('an unwritable cache folder only costs the cache', () => {
    const file = path.join(dir, 'not-a-folder');
    fs.writeFileSync(file, '');
    process.env.CDKBSD_CACHE_DIR = file;
    expect(renderSvg(DOT)).toMatch(/<svg/);
  });
});
