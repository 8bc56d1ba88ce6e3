import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const DUMP = 'set -a; . "$1" >/dev/null 2>&1 || exit 97; exec env -0';

function envOf(script: string[]): Map<string, string> {
  const out = execFileSync('/usr/bin/env', ['-i', '/bin/sh', '-c', ...script], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = new Map<string, string>();
  for (const item of out.split('\0')) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    m.set(item.slice(0, eq), item.slice(eq + 1));
  }
  return m;
}

/**
 * Reads a shell-syntax key/value file (rc.conf, loader.conf) the way FreeBSD does: by sourcing it
 * with `/bin/sh`, and returns every variable it sets. Never a regex over the text.
 * @throws Error when the file cannot be sourced
 */
export function readShellVars(content: string): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-rc-'));
  const file = path.join(dir, 'rc.conf');
  try {
    fs.writeFileSync(file, content);
    const base = envOf(['exec env -0', 'sh']);
    let vars: Map<string, string>;
    try {
      vars = envOf([DUMP, 'sh', file]);
    } catch (e: any) {
      throw new Error(`/bin/sh could not source the file (exit ${e?.status})`);
    }
    const result: Record<string, string> = {};
    for (const [k, v] of [...vars.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (base.get(k) === v || k === '_' || k === 'PWD' || k === 'SHLVL' || k === 'OLDPWD') continue;
      result[k] = v;
    }
    return result;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Reads a sysctl.conf the way rc.d/sysctl does (`oid=value` lines, `#` comments). */
export function readSysctlConf(content: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of content.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const word = line.split(/[ \t]/)[0];
    const eq = word.indexOf('=');
    if (eq < 0) continue;
    out[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return out;
}
