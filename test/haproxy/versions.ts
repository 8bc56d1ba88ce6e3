/**
 * `haproxy -c` on a generated config with Debian's HAProxy (2.6, on the PATH: what CI has) and,
 * when `CDKBSD_HAPROXY_BINARIES` names more (colon-separated paths, e.g. HAProxy 3.0 and 3.2
 * unpacked from Debian trixie and sid), with each of those too: one config must be valid on
 * 2.6 through 3.x. Judged as HaproxyCheck does: exit status 0 and no [ALERT] or [WARNING].
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { HaproxyCheck } from '../../lib/testing/tools';

/** Extra HAProxy binaries to check with (none unless the variable names some). */
export function extraHaproxyBinaries(): string[] {
  return (process.env.CDKBSD_HAPROXY_BINARIES ?? '').split(':').filter((p) => p !== '' && fs.existsSync(p));
}

/**
 * Throws unless `config` is clean on every HAProxy at hand.
 * @returns the versions it was checked with, e.g. ['2.6.12', '3.0.11']
 */
export function assertValidEverywhere(config: string): string[] {
  HaproxyCheck.assertValid(config);
  const versions = [version('haproxy')];
  const extra = extraHaproxyBinaries();
  if (extra.length === 0) return versions;
  const staged = HaproxyCheck.stage(config);
  try {
    for (const bin of extra) {
      const r = spawnSync(bin, ['-c', '-f', staged.configPath], { encoding: 'utf8', timeout: 30_000 });
      const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
      const problems = out.split('\n').filter((l) => /\[(WARNING|ALERT)\]/.test(l));
      if (r.status !== 0 || problems.length > 0) throw new Error(`${bin} -c (${version(bin)}) does not accept the config cleanly:\n${out}`);
      versions.push(version(bin));
    }
  } finally {
    fs.rmSync(staged.directory, { recursive: true, force: true });
  }
  return versions;
}

function version(bin: string): string {
  const r = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  return /version (\S+)/.exec(r.stdout ?? '')?.[1] ?? 'unknown';
}
