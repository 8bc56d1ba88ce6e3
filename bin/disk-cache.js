'use strict';
/**
 * The disk cache shared by the CLI's TypeScript loader (bin/transpile.js) and the library's SVG
 * cache (lib/diagram/svg-cache.ts): entries `<dir>/<kind>/<key>`, each carrying a hash of its
 * body (a corrupt or truncated one is ignored), written as a temp file renamed into place (a
 * concurrent run never reads a partial entry).
 *
 * The folder is `CDKBSD_CACHE_DIR`, else `<os.tmpdir()>/cdkbsd-cache-<uid>` (made 0700; not used
 * if another user owns it or others may write to it). `CDKBSD_NO_CACHE=1` turns it off.
 *
 * Plain JavaScript (not TypeScript): bin/launch.js needs it before lib/ can load.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Bumped whenever the transform or the entry format changes. */
const FORMAT = 'cdkbsd-cache 1';

/** The cache folder to use, or undefined when caching is off (or the folder is unsafe). */
function cacheDir(env = process.env) {
  if (env.CDKBSD_NO_CACHE === '1') return undefined;
  if (env.CDKBSD_CACHE_DIR) return path.resolve(env.CDKBSD_CACHE_DIR);
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(os.tmpdir(), `cdkbsd-cache-${uid ?? 'user'}`);
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

function sha256(...parts) {
  const h = crypto.createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** The body of the entry `<dir>/<kind>/<key>`, or undefined when there is none or it is corrupt. */
function readEntry(dir, kind, key) {
  if (dir === undefined) return undefined;
  let text;
  try {
    text = fs.readFileSync(path.join(dir, kind, key), 'utf8');
  } catch {
    return undefined;
  }
  const nl = text.indexOf('\n');
  if (nl < 0 || text.slice(0, nl) !== `${FORMAT} ${sha256(text.slice(nl + 1))}`) return undefined;
  return text.slice(nl + 1);
}

/** Writes an entry atomically (a temp file renamed over it); never throws. */
function writeEntry(dir, kind, key, body) {
  if (dir === undefined) return;
  const folder = path.join(dir, kind);
  const file = path.join(folder, key);
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(folder, { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, `${FORMAT} ${sha256(body)}\n${body}`, { mode: 0o600 });
    fs.renameSync(tmp, file);
  } catch {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

module.exports = { cacheDir, readEntry, writeEntry, sha256, FORMAT };
