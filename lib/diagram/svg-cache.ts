import { createHash, randomBytes } from 'crypto';
import * as fs from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';

/**
 * A disk cache of rendered SVGs, keyed by a hash of the DOT source and the version of viz-js:
 * Graphviz is deterministic, so a DOT source seen before is answered from disk, without
 * compiling Graphviz's WebAssembly (~150 ms). The folder is the CLI's cache (bin/transpile.js):
 * `CDKBSD_CACHE_DIR`, else `<os.tmpdir()>/cdkbsd-cache-<uid>` (0700, not used if another user
 * owns it or others may write to it); `CDKBSD_NO_CACHE=1` turns it off. An entry carries a hash
 * of its content, so a corrupt one is ignored (and rewritten); writes are a temp file renamed
 * into place, so concurrent runs never read a partial entry.
 *
 * Internal (not exported from lib/index.ts).
 */

const FORMAT = 'cdkbsd-cache 1';
const KIND = 'svg';

function sha256(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The cache folder, or undefined when caching is off or the folder is unsafe. */
export function svgCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.CDKBSD_NO_CACHE === '1') return undefined;
  if (env.CDKBSD_CACHE_DIR) return path.resolve(env.CDKBSD_CACHE_DIR);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(tmpdir(), `cdkbsd-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return undefined;
  } catch {
    return undefined;
  }
  return dir;
}

/** The version of viz-js (part of every key: another Graphviz may draw differently). */
function vizVersion(): string {
  try {
    const pkg = path.join(path.dirname(require.resolve('@viz-js/viz')), '..', 'package.json');
    return String(JSON.parse(fs.readFileSync(pkg, 'utf8')).version);
  } catch {
    return 'unknown';
  }
}

/** Cached SVGs of one batch of DOT sources. */
export class SvgCache {
  /** A cache in `dir` (undefined: a cache that never hits and never writes). */
  public static open(dir: string | undefined = svgCacheDir()): SvgCache {
    return new SvgCache(dir);
  }

  private readonly version: string;

  private constructor(private readonly dir: string | undefined) {
    this.version = dir === undefined ? '' : vizVersion();
  }

  private file(dot: string): string {
    return path.join(this.dir!, KIND, sha256(FORMAT, this.version, dot));
  }

  /** The SVG of `dot` rendered before, or undefined (no entry, a corrupt one, no cache). */
  public get(dot: string): string | undefined {
    if (this.dir === undefined) return undefined;
    let text: string;
    try {
      text = fs.readFileSync(this.file(dot), 'utf8');
    } catch {
      return undefined;
    }
    const nl = text.indexOf('\n');
    if (nl < 0 || text.slice(0, nl) !== `${FORMAT} ${sha256(text.slice(nl + 1))}`) return undefined;
    return text.slice(nl + 1);
  }

  /** Stores the SVG of `dot` (atomically; a failure to write is ignored). */
  public put(dot: string, svg: string): void {
    if (this.dir === undefined) return;
    const file = this.file(dot);
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(tmp, `${FORMAT} ${sha256(svg)}\n${svg}`, { mode: 0o600 });
      fs.renameSync(tmp, file);
    } catch {
      try {
        fs.unlinkSync(tmp);
      } catch {
        // nothing was written
      }
    }
  }
}
