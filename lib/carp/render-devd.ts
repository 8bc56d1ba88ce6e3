/**
 * Renderer of /etc/devd/carp.conf: devd(8) rules that log CARP state changes (MASTER/BACKUP) to
 * syslog and optionally run a user command. Pure: options in, text out. Internal.
 *
 * devd facts this relies on (freebsd-src sbin/devd, devd.cc and token.l):
 * - The kernel sends `system=CARP subsystem=<vhid>@<ifname> type=<INIT|BACKUP|MASTER>`.
 * - Each `match` regex is anchored (`^…$`) and compiled REG_EXTENDED|REG_ICASE.
 * - A devd string is `"…"` with no way to embed `"` that every devd version accepts, so the
 *   action never contains a double quote.
 * - In an action, `$name` is replaced by the variable's value; devd 14 wraps the value in sh
 *   `$'…'` quoting (config::shell_quote), older devd inserts it raw. Both work only when the
 *   variable stands unquoted in the action: inside '…' or "…" the `$'…'` form would be logged
 *   literally. Unquoted is safe here because the match rules already pin `subsystem` to
 *   `[0-9]+@<ifname>` and `type` to a state name, so the raw form holds no metacharacter either.
 * - For one event devd runs only the action of the highest-priority matching rule, so these rules
 *   use priority 100 (none of the stock rules matches CARP).
 */
import { hostPathProblem, HOST_PATH_ALLOWED } from '../core/host';
import { generatedHeader } from '../core/private/header';

/** Where the rules are installed (devd reads /etc/devd/*.conf at start: `service devd restart`). */
export const CARP_DEVD_CONF_PATH = '/etc/devd/carp.conf';
/** Mode of the file. */
export const CARP_DEVD_CONF_MODE = 0o644;
/** syslog tag of the log line. */
export const CARP_DEVD_LOG_TAG = 'carp';
/** CARP states a rule can match. */
export type CarpState = 'MASTER' | 'BACKUP' | 'INIT';

/** A user command run on each matching state change as `<path> <args…> <vhid@ifname> <STATE>`. */
export interface CarpHookCommand {
  /** Absolute path of the executable. */
  readonly path: string;
  /** Fixed arguments before the two event arguments. Each a plain word. Default none. */
  readonly args?: readonly string[];
}

/** Options of renderCarpDevdConf. */
export interface CarpDevdOptions {
  /** Construct path of the producer, for the generated-file header. */
  readonly producerPath: string;
  /** Interfaces whose CARP events to act on (one rule each, in this order). */
  readonly interfaces: readonly string[];
  /** States to act on. Default MASTER and BACKUP. */
  readonly states?: readonly CarpState[];
  /** A command to run after logging. Default none. */
  readonly command?: CarpHookCommand;
  /** devd rule priority (the highest matching rule wins). Default 100. */
  readonly priority?: number;
}

/** One problem with the options. */
export interface CarpDevdProblem {
  readonly field: string;
  readonly message: string;
  readonly value: string;
  readonly allowed: string;
}

/** FreeBSD interface names: IFNAMSIZ 16 with the NUL, so at most 15 characters. */
const IFNAME_RE = /^[A-Za-z][A-Za-z0-9_.]{0,14}$/;
/** Argument words: nothing sh or devd would interpret (no $ quote space , & | < > ( ) ` \ * ? [ ] ~ # { } !). */
const ARG_RE = /^[A-Za-z0-9._+@%,:=\/-]+$/;
const STATES: readonly CarpState[] = ['MASTER', 'BACKUP', 'INIT'];

/** What an interface name may be. */
export const CARP_IFNAME_ALLOWED = 'a FreeBSD interface name: a letter, then letters, digits, _ or . (at most 15 characters), e.g. vtnet0 or vlan0.100';
/** What a command argument may be. */
export const CARP_HOOK_ARG_ALLOWED = 'a word of letters, digits and . _ + @ % , : = / - (no spaces, quotes, $ or other shell characters)';

/** Every problem with the options (empty when they can be rendered). */
export function carpDevdProblems(opts: Partial<CarpDevdOptions>): CarpDevdProblem[] {
  const out: CarpDevdProblem[] = [];
  const ifs = opts.interfaces ?? [];
  if (!Array.isArray(ifs) || ifs.length === 0) {
    out.push({ field: 'interfaces', message: 'at least one interface is needed', value: JSON.stringify(ifs), allowed: 'a non-empty list of interface names' });
  } else {
    const seen = new Set<string>();
    for (const i of ifs) {
      if (typeof i !== 'string' || !IFNAME_RE.test(i)) {
        out.push({ field: 'interfaces', message: 'invalid interface name', value: String(i), allowed: CARP_IFNAME_ALLOWED });
      } else if (seen.has(i.toLowerCase())) {
        out.push({ field: 'interfaces', message: 'interface listed twice (devd matches names case-insensitively)', value: i, allowed: 'each interface once' });
      } else {
        seen.add(i.toLowerCase());
      }
    }
  }
  if (opts.states !== undefined) {
    if (!Array.isArray(opts.states) || opts.states.length === 0) {
      out.push({ field: 'states', message: 'at least one state is needed', value: JSON.stringify(opts.states), allowed: STATES.join(', ') });
    } else {
      for (const s of opts.states) {
        if (!STATES.includes(s)) out.push({ field: 'states', message: 'unknown CARP state', value: String(s), allowed: STATES.join(', ') });
      }
    }
  }
  if (opts.priority !== undefined && (!Number.isInteger(opts.priority) || opts.priority < 0 || opts.priority > 1000000)) {
    out.push({ field: 'priority', message: 'priority must be an integer from 0 to 1000000', value: String(opts.priority), allowed: 'integers 0–1000000' });
  }
  if (opts.command !== undefined) {
    const p = hostPathProblem(opts.command.path);
    if (p !== undefined) out.push({ field: 'command.path', message: `command ${p}`, value: String(opts.command.path), allowed: HOST_PATH_ALLOWED });
    for (const a of opts.command.args ?? []) {
      if (typeof a !== 'string' || !ARG_RE.test(a)) {
        out.push({ field: 'command.args', message: 'command argument would be interpreted by devd or sh', value: String(a), allowed: CARP_HOOK_ARG_ALLOWED });
      }
    }
  }
  return out;
}

/**
 * An interface name as a devd (POSIX extended) regex that matches exactly that name: letters,
 * digits and `_` stand for themselves, `.` becomes `[.]`.
 */
export function devdRegexLiteral(name: string): string {
  let re = '';
  for (const c of name) {
    if (/[A-Za-z0-9_]/.test(c)) re += c;
    else if (c === '.') re += '[.]';
    else throw new Error(`cannot write ${JSON.stringify(c)} in a devd regex literal`);
  }
  return re;
}

/**
 * /etc/devd/carp.conf: for each interface, a `notify` rule matching `system` CARP,
 * `subsystem` `[0-9]+@<ifname>` and `type` one of the states, whose action logs
 * `<vhid@ifname> changed to <STATE>` with tag `carp` and then runs the command, if any, as
 * `<path> <args…> <vhid@ifname> <STATE>`. devd waits for the action: keep the command short.
 */
export function renderCarpDevdConf(opts: CarpDevdOptions): string {
  const problems = carpDevdProblems(opts);
  if (problems.length > 0) {
    throw new Error(`invalid CARP devd options: ${problems.map((p) => `${p.message} (got ${JSON.stringify(p.value)})`).join('; ')}`);
  }
  const priority = opts.priority ?? 100;
  const states = STATES.filter((s) => (opts.states ?? ['MASTER', 'BACKUP']).includes(s));
  const typeRe = states.length === 1 ? states[0] : `(${states.join('|')})`;
  let action = `logger -p daemon.notice -t ${CARP_DEVD_LOG_TAG} $subsystem changed to $type`;
  if (opts.command !== undefined) {
    const words = [opts.command.path, ...(opts.command.args ?? []), '$subsystem', '$type'];
    action += `; ${words.join(' ')}`;
  }
  // Last line of defence: nothing that ends a devd string or starts a comment inside it.
  if (/["\\\n#]/.test(action)) throw new Error(`unsafe devd action: ${JSON.stringify(action)}`);
  const lines = [
    generatedHeader(opts.producerPath),
    '#',
    '# CARP state changes: log them (syslog tag carp) and run the hook, if any.',
    '# devd anchors every match regex (^...$) and ignores case.',
    '# After changing this file: service devd restart',
  ];
  for (const ifname of opts.interfaces) {
    lines.push(
      '',
      `notify ${priority} {`,
      '\tmatch "system" "CARP";',
      `\tmatch "subsystem" "[0-9]+@${devdRegexLiteral(ifname)}";`,
      `\tmatch "type" "${typeRe}";`,
      `\taction "${action}";`,
      '};',
    );
  }
  return lines.join('\n') + '\n';
}
