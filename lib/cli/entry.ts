import * as fs from 'fs';
import * as path from 'path';
import { badConfig, CliError, entryNotFound, esmNotSupported, noEntry, tsxMissing } from './errors';

/** The app entry the CLI runs, and where it was named. */
export interface ResolvedEntry {
  /** Absolute path of the entry file. */
  readonly file: string;
  /** `argument`, `cdkbsd.json` or `main.ts` (the default). */
  readonly from: string;
}

/** The project config file (`{"app": "main.ts"}`). */
export const CONFIG_FILE = 'cdkbsd.json';

/**
 * Finds the app: an explicit entry, else the `app` field of `cdkbsd.json`, else `main.ts`
 * (all relative to `cwd`).
 */
export function resolveEntry(explicit: string | undefined, cwd: string): ResolvedEntry {
  if (explicit !== undefined) return checked(path.resolve(cwd, explicit), explicit, 'argument');
  const configPath = path.join(cwd, CONFIG_FILE);
  if (fs.existsSync(configPath)) {
    let config: any;
    try {
      config = JSON.parse(fs.readFileSync(configPath, 'utf8'));
    } catch (e: any) {
      throw badConfig(CONFIG_FILE, `not valid JSON (${e?.message ?? e})`);
    }
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw badConfig(CONFIG_FILE, 'must hold a JSON object');
    if (config.app !== undefined) {
      if (typeof config.app !== 'string' || config.app.trim() === '') throw badConfig(CONFIG_FILE, '"app" must be the path of the entry file');
      if (/\s/.test(config.app.trim())) {
        throw badConfig(CONFIG_FILE, `"app" must be a file path, not a command (got ${JSON.stringify(config.app)})`);
      }
      return checked(path.resolve(cwd, config.app), config.app, `"app" in ${CONFIG_FILE}`);
    }
  }
  const main = path.join(cwd, 'main.ts');
  if (fs.existsSync(main)) return { file: main, from: 'main.ts' };
  throw noEntry(cwd);
}

function checked(file: string, given: string, from: string): ResolvedEntry {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch {
    throw entryNotFound(given, from === 'argument' ? 'given on the command line' : `named by ${from}`);
  }
  if (!st.isFile()) throw new CliError(`The entry ${given} is not a file.`);
  return { file, from };
}

const TS_RE = /\.(ts|tsx|cts)$/;

/**
 * Installs the TypeScript loader (once): bin/transpile.js, whose cache spares a run that
 * transpiles nothing new from loading tsx and esbuild; tsx's own hooks when the project's
 * tsconfig.json needs them. Both find tsx in this package's, the app's or the working folder.
 */
function ensureTsx(entry: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (require.extensions['.ts']) return; // already registered (bin/synth in a dev checkout, or a preload)
  const bases = [__dirname, path.dirname(entry), process.cwd()];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loader = require(path.join(__dirname, '..', '..', 'bin', 'transpile.js'));
  if (!loader.install(bases) && !loader.registerTsx(bases)) throw tsxMissing(path.basename(entry));
}

/**
 * Loads this package's compiled library before tsx's require hooks are in place, when the entry's
 * `cdkbsd` is this very copy (the usual case: `npx synth` in a project): the hooks add about
 * 40 ms to the ~60 plain `require`s of the library. Once cached, the entry's import is free.
 */
function preloadLibrary(entry: string): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (require.extensions['.ts']) return; // tsx is already registered (a checkout running its sources)
  const own = path.resolve(__dirname, '..', 'index.js');
  let theirs: string | undefined;
  try {
    theirs = require.resolve('cdkbsd', { paths: [path.dirname(entry)] });
  } catch {
    return; // the entry imports the library by path, or not at all
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (theirs === own) require(own);
}

/**
 * Runs the entry in this process as the main module (so `require.main === module` holds in it,
 * as under `node main.js`). TypeScript runs through tsx's require hook: transpiled by esbuild,
 * never type-checked.
 */
export function loadEntry(entry: string): void {
  if (/\.(mjs|mts)$/.test(entry)) throw esmNotSupported(path.basename(entry));
  if (TS_RE.test(entry)) {
    preloadLibrary(entry);
    ensureTsx(entry);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('module');
  process.argv = [process.argv[0], entry];
  try {
    Module._load(entry, null, true);
  } catch (e: any) {
    // The loader's cache missed and there is no esbuild to transpile with.
    if (e?.code === 'CDKBSD_TSX_MISSING') throw tsxMissing(path.basename(entry));
    throw e;
  }
}
