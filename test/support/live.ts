import { spawnSync } from 'child_process';
import { ExternalTools } from '../../lib/testing/tools';

/**
 * Whether a live test (real daemons in network namespaces it creates) can run here: root,
 * `ip netns`, and the given tools. Returns `skip` true only when something is missing and
 * CDKBSD_REQUIRE_TOOLS is not 1 (then the reason is printed once); with the variable set the
 * test runs and fails on what is missing.
 */
export function liveSkip(what: string, tools: string[], install: string): boolean {
  let why: string | undefined;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) why = 'not root (network namespaces need root)';
  else if (!ExternalTools.available('ip') || spawnSync('ip', ['netns', 'list']).status !== 0) why = '`ip netns` unavailable';
  else {
    const missing = tools.filter((t) => !ExternalTools.available(t));
    if (missing.length > 0) why = `missing ${missing.join(', ')} (${install})`;
  }
  if (why === undefined || ExternalTools.required()) return false;
  // eslint-disable-next-line no-console
  console.warn(`SKIPPED ${what}: ${why}. Set CDKBSD_REQUIRE_TOOLS=1 to make this a failure.`);
  return true;
}
