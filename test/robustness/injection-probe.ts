// The probe of the injection test: one site, one payload, every file read back as its consumer reads it.
import { Errors, Testing } from '../../lib/index';
import { buildFull, describeError } from './fixtures';
import { allFiles, compareFile, controlCharacters, kindOf, substituted } from './oracles';

export const PAYLOADS = [
  '"', "'", '$(touch /tmp/cdkbsd-pwned)', '`id`', '${PATH}', '\n', '\nrm -rf /', '\r', '#', ' #c', ';reboot', '|id', '&',
  '{', '}', '<x>', '*', ' ', '\0', '\\', '\\\n', '$ext_if',
];

const baseline = Testing.synth(buildFull().app);
const baseFiles = allFiles(baseline);
export const sites = [...buildFull().defaults.keys()];
export const haproxyChecks: Array<{ site: string; payload: string; conf: string }> = [];

/** Runs one site with one payload; returns the problems found (empty: safe). */
export function probe(site: string, payload: string): string[] {
  let full: ReturnType<typeof buildFull>;
  let dflt = '';
  try {
    full = buildFull({ inject: (s, d) => (s === site ? ((dflt = d), d + payload) : d) });
  } catch (e) {
    return [`building the app threw ${describeError(e)}`];
  }
  let s;
  try {
    s = Testing.synth(full.app);
  } catch (e) {
    if (!Errors.isValidationError(e)) return [`threw ${describeError(e)}, not a ValidationError`];
    const issues = Errors.issuesOf(e);
    const owner = full.owners.get(site)!.node.path;
    const problems: string[] = [];
    if (!issues.some((i) => i.path === owner)) problems.push(`ValidationError names ${issues.map((i) => JSON.stringify(i.path)).join(', ')}, not ${JSON.stringify(owner)}`);
    if (issues.some((i) => i.message.trim() === '')) problems.push('an issue has an empty message');
    // The message has one line per issue: a newline in a value cannot forge extra lines.
    const lines = (e as Error).message.split('\n').length;
    if (lines !== issues.length + 1) problems.push(`the error message has ${lines} lines for ${issues.length} issues`);
    return problems;
  }
  // Accepted: every file must read back the same, with the value intact where the default was.
  const problems: string[] = [];
  const files = allFiles(s);
  const ok = (b: string, h: string) => substituted(b, h, dflt, payload);
  for (const [key, base] of baseFiles) {
    const hk = [...files.keys()].find((k) => ok(key, k));
    if (hk === undefined) {
      problems.push(`file ${key} is missing`);
      continue;
    }
    const hostile = files.get(hk)!;
    const kind = kindOf(base.path);
    if (kind !== 'plain') {
      const cc = controlCharacters(hostile.content);
      if (cc.length > 0) problems.push(`${hk} holds control characters ${cc.join(' ')}`);
    }
    for (const d of compareFile(kind, base.content, hostile.content, dflt, payload)) problems.push(`${hk}: ${d}`);
    if (kind === 'haproxy' && hostile.content !== base.content && !haproxyChecks.some((c) => c.conf === hostile.content)) {
      haproxyChecks.push({ site, payload, conf: hostile.content });
    }
  }
  if (files.size !== baseFiles.size) problems.push(`${files.size} files instead of ${baseFiles.size}`);
  return problems;
}

