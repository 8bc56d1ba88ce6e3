import * as fs from 'fs';
import * as path from 'path';

/**
 * A disk cache of rendered SVGs, keyed by a hash of the DOT source and the version of viz-js:
 * Graphviz is deterministic, so a DOT source seen before is answered from disk, without
 * compiling Graphviz's WebAssembly (~150 ms). The store is the CLI's (bin/disk-cache.js, shared
 * with its TypeScript loader): `CDKBSD_CACHE_DIR`, else `<os.tmpdir()>/cdkbsd-cache-<uid>`
 * (0700, not used if another user owns it or others may write to it); `CDKBSD_NO_CACHE=1` turns
 * it off. An entry carries a hash of its content, so a corrupt one is ignored (and rewritten);
 * writes are a temp file renamed into place, so concurrent runs never read a partial entry.
 *
 * Internal (not exported from lib/index.ts).
 */

/** bin/disk-cache.js (plain JavaScript beside the package's bin/, as lib/cli/entry.ts loads bin/transpile.js). */
interface DiskCache {
  cacheDir(env: NodeJS.ProcessEnv): string | undefined;
  readEntry(dir: string | undefined, kind: string, key: string): string | undefined;
  writeEntry(dir: string | undefined, kind: string, key: string, body: string): void;
  sha256(...parts: string[]): string;
  readonly FORMAT: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const store = (): DiskCache => require(path.join(__dirname, '..', '..', 'bin', 'disk-cache.js'));

const KIND = 'svg';

/** The cache folder, or undefined when caching is off or the folder is unsafe. */
export function svgCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return store().cacheDir(env);
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

  private key(dot: string): string {
    const s = store();
    return s.sha256(s.FORMAT, this.version, dot);
  }

  /** The SVG of `dot` rendered before, or undefined (no entry, a corrupt one, no cache). */
  public get(dot: string): string | undefined {
    return this.dir === undefined ? undefined : store().readEntry(this.dir, KIND, this.key(dot));
  }

  /** Stores the SVG of `dot` (atomically; a failure to write is ignored). */
  public put(dot: string, svg: string): void {
    if (this.dir !== undefined) store().writeEntry(this.dir, KIND, this.key(dot), svg);
  }
}
