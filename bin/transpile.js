'use strict';
/**
 * The CLI's TypeScript loader: a CommonJS require hook for .ts/.cts/.tsx files that transpiles
 * with esbuild (the one tsx brings) and keeps the output in a cache keyed by a hash of the
 * source, its path, the tsconfig and the Node version. A cache hit loads neither tsx nor esbuild:
 * the run reads the cached JavaScript (with an inline source map, so stack traces point at the
 * TypeScript) and compiles it. A miss transpiles and writes the entry (temp file + rename).
 *
 * The cache is `CDKBSD_CACHE_DIR`, else `<os.tmpdir()>/cdkbsd-cache-<uid>` (made 0700; not used
 * if another user owns it or others may write to it). `CDKBSD_NO_CACHE=1` turns it off (every
 * file is transpiled, nothing is written). An entry carries a hash of its content: a corrupt or
 * truncated entry is ignored (and rewritten).
 *
 * What tsx does beyond transpiling TypeScript is not replicated: a project whose tsconfig.json
 * uses `paths` or `extends`, or is not plain JSON, runs through tsx; so does an ES module
 * required from the app (tsx is registered the moment Node refuses to `require` one).
 *
 * Plain JavaScript (not TypeScript): bin/launch.js needs it before lib/ can load.
 */
const fs = require('fs');
const path = require('path');
const { cacheDir, readEntry, sha256, writeEntry, FORMAT } = require('./disk-cache');

const PACKAGE_DIR = path.resolve(__dirname, '..');
const OWN_SOURCES = path.join(PACKAGE_DIR, 'lib') + path.sep;
const LOADERS = { '.ts': 'ts', '.cts': 'ts', '.tsx': 'tsx' };

/** The first `tsconfig.json` in `start` or a folder above it: `{ file, text }`, or undefined. */
function findTsconfig(start) {
  for (let d = start; ; d = path.dirname(d)) {
    const file = path.join(d, 'tsconfig.json');
    try {
      return { file, text: fs.readFileSync(file, 'utf8') };
    } catch {
      // not here
    }
    if (path.dirname(d) === d) return undefined;
  }
}

/**
 * The compiler options esbuild needs from a tsconfig (null: none), or undefined when the
 * tsconfig is beyond this loader (tsx handles it).
 */
function tsconfigOptions(found) {
  if (found === undefined) return null;
  let json;
  try {
    json = JSON.parse(found.text);
  } catch {
    return undefined; // comments, trailing commas: tsx's parser
  }
  if (json === null || typeof json !== 'object' || json.extends !== undefined) return undefined;
  const o = json.compilerOptions ?? {};
  if (o.paths !== undefined || o.baseUrl !== undefined) return undefined;
  return o;
}

/** Locates esbuild: tsx's dependency, from this package, the app's folder or the working folder. */
function loadEsbuild(bases) {
  for (const base of bases) {
    try {
      const tsx = path.dirname(require.resolve('tsx/package.json', { paths: [base] }));
      return require(require.resolve('esbuild', { paths: [tsx] }));
    } catch {
      // not from here
    }
  }
  const e = new Error('tsx (and its esbuild) is not installed');
  e.code = 'CDKBSD_TSX_MISSING';
  throw e;
}

/** Registers tsx's CommonJS hooks, found like esbuild. Returns false when tsx is not installed. */
function registerTsx(bases) {
  for (const base of bases) {
    let resolved;
    try {
      resolved = require.resolve('tsx/cjs/api', { paths: [base] });
    } catch {
      continue;
    }
    require(resolved).register();
    return true;
  }
  return false;
}

/**
 * Installs the hook (once). `bases`: where to look for tsx and esbuild on a cache miss.
 * Returns false, installing nothing, when the working folder's tsconfig needs tsx.
 */
function install(bases = [PACKAGE_DIR, process.cwd()], env = process.env) {
  const Module = require('module');
  if (Module._extensions['.ts'] !== undefined) return true; // tsx or this hook, already
  const appConfig = findTsconfig(process.cwd());
  const appOptions = tsconfigOptions(appConfig);
  if (appOptions === undefined) return false;
  const ownConfig = findTsconfig(PACKAGE_DIR);
  const ownOptions = ownConfig && ownConfig.file === path.join(PACKAGE_DIR, 'tsconfig.json') ? tsconfigOptions(ownConfig) : undefined;
  const dir = cacheDir(env);
  let esbuild;
  // Source maps for the app's files (errors point at its TypeScript). cdkbsd's own files get
  // none unless node runs with --enable-source-maps: Node parses every map as the module
  // compiles, which would cost ~80 ms for the library (as in the package: its compiled
  // lib/ loads before the maps are on).
  const ownMaps = process.sourceMapsEnabled === true;

  const transpile = (filename, source) => {
    // cdkbsd's own sources (lib/ of a checkout) compile with its tsconfig, as jsii compiles them.
    const own = filename.startsWith(OWN_SOURCES);
    const options = own && ownOptions !== undefined && ownOptions !== null ? ownOptions : appOptions;
    const map = !own || ownMaps;
    if (map && !process.sourceMapsEnabled) process.setSourceMapsEnabled(true);
    const key = sha256(FORMAT, process.version, filename, JSON.stringify(options), String(map), source);
    const hit = readEntry(dir, 'js', key);
    if (hit !== undefined) return hit;
    esbuild ??= loadEsbuild(bases);
    const out = esbuild.transformSync(source, {
      loader: LOADERS[path.extname(filename)],
      format: 'cjs',
      platform: 'node',
      target: `node${process.versions.node}`,
      sourcefile: filename,
      sourcemap: map ? 'inline' : false,
      tsconfigRaw: options === null ? {} : { compilerOptions: options },
    });
    writeEntry(dir, 'js', key, out.code);
    return out.code;
  };

  const load = function loadTypeScript(module, filename) {
    module._compile(transpile(filename, fs.readFileSync(filename, 'utf8')), filename);
  };
  for (const ext of Object.keys(LOADERS)) Module._extensions[ext] = load;

  // `import './util.js'` in TypeScript names util.ts (as tsc and tsx resolve it).
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveTypeScript(request, parent, ...rest) {
    try {
      return resolve.call(this, request, parent, ...rest);
    } catch (e) {
      const from = parent?.filename;
      if (e?.code !== 'MODULE_NOT_FOUND' || !/^\.\.?[\\/]/.test(request) || !/\.js$/.test(request) || typeof from !== 'string' || !/\.(c?ts|tsx)$/.test(from)) throw e;
      for (const ext of ['.ts', '.tsx']) {
        try {
          return resolve.call(this, request.slice(0, -3) + ext, parent, ...rest);
        } catch {
          // next
        }
      }
      throw e;
    }
  };

  // An ES module required from the app: Node 20 refuses; tsx transforms it to CommonJS.
  let tsx = false;
  for (const ext of ['.js', '.mjs']) {
    const original = Module._extensions[ext];
    Module._extensions[ext] = function loadJavaScript(module, filename) {
      try {
        return original.call(this, module, filename);
      } catch (e) {
        if (tsx || e?.code !== 'ERR_REQUIRE_ESM' || !registerTsx(bases)) throw e;
        tsx = true; // its hooks now handle .js and .mjs (and TypeScript from here on)
        return Module._extensions[ext].call(this, module, filename);
      }
    };
  }
  return true;
}

module.exports = { install, registerTsx, cacheDir, readEntry, writeEntry, sha256, FORMAT };
