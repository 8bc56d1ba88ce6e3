/**
 * Renderers for the service-aware CARP demotion watcher: a POSIX sh script that checks HAProxy
 * and raises `net.inet.carp.demotion` while it is down, and the rc.d script that runs it under
 * daemon(8). Pure functions: options in, text out. Internal (not exported from lib/index.ts).
 *
 * Why these choices (see docs/failover.md for the timing):
 * - `net.inet.carp.demotion` is a counter: a write ADDS the written value (ip_carp.c
 *   `carp_demote_adj`), and every change makes each vhid advertise at once (`carp_sendall_task`).
 *   The watcher therefore records its own contribution in a state file and only ever removes what
 *   it added, so a crash, a restart or a second watcher never double-demotes or leaves a stale one.
 * - Default demotion 240: the advertised skew is `min(advskew + demotion, 240)`, so 240 puts the
 *   demoted master at the ceiling, and a backup with preempt and any advskew below 240 (100 in the
 *   reference setup) sees a strictly shorter interval and takes over. A smaller value only works
 *   while it exceeds the backup's advskew (more than 100 here) and breaks silently when someone
 *   raises the backup's advskew later.
 */
import { hostPathProblem, HOST_PATH_ALLOWED } from '../core/host';
import { generatedHeader } from '../core/private/header';

/** Where the watcher script is installed (mode 0755). */
export const WATCHER_SCRIPT_PATH = '/usr/local/libexec/cdkbsd/carp-haproxy-watch';
/** rc.d service name of the watcher. */
export const WATCHER_RC_NAME = 'cdkbsd_carpwatch';
/** Where the rc.d script is installed (mode 0755). */
export const WATCHER_RC_SCRIPT_PATH = `/usr/local/etc/rc.d/${WATCHER_RC_NAME}`;
/** The rc.conf key that enables the watcher (value `YES`). */
export const WATCHER_RC_ENABLE_KEY = `${WATCHER_RC_NAME}_enable`;
/** Mode of both scripts. */
export const WATCHER_FILE_MODE = 0o755;
/** syslog tag of the watcher's messages (logger -t, and daemon -T for its stderr). */
export const WATCHER_LOG_TAG = 'cdkbsd-carp-watch';
/** The sysctl the watcher adjusts. */
export const CARP_DEMOTION_OID = 'net.inet.carp.demotion';

/** Defaults of the watcher options. */
export const WATCHER_DEFAULTS = {
  interval: 2,
  fall: 3,
  rise: 5,
  demotion: 240,
  timeout: 2,
  haproxyPidfile: '/var/run/haproxy.pid',
  statsSocket: '/var/run/haproxy.sock',
  checkStatsSocket: true,
  stateFile: '/var/run/cdkbsd-carp-watch.state',
  restartDelay: 5,
  supervisorPidfile: `/var/run/${WATCHER_RC_NAME}.pid`,
  childPidfile: `/var/run/${WATCHER_RC_NAME}.child.pid`,
} as const;

/** Ranges of the numeric options (inclusive). */
export const WATCHER_LIMITS = {
  interval: [1, 3600],
  fall: [1, 100],
  rise: [1, 100],
  demotion: [1, 240],
  timeout: [1, 60],
  restartDelay: [1, 3600],
} as const;

/** Options of the watcher script. */
export interface WatcherScriptOptions {
  /** Construct path of the producer, for the generated-file header (line 2, after the shebang). */
  readonly producerPath: string;
  /** Seconds between two checks. Default 2. */
  readonly interval?: number;
  /** Consecutive failed checks before demoting. Default 3. */
  readonly fall?: number;
  /** Consecutive good checks before removing the demotion. Default 5. */
  readonly rise?: number;
  /** Amount added to net.inet.carp.demotion while HAProxy is down, 1–240. Default 240. */
  readonly demotion?: number;
  /** Seconds the stats socket may take to answer `show info` (nc -w). Default 2. */
  readonly timeout?: number;
  /** HAProxy's pidfile (first line: the pid to `kill -0`). Default /var/run/haproxy.pid. */
  readonly haproxyPidfile?: string;
  /** HAProxy's stats socket (`stats socket <path>` in `global`). Default /var/run/haproxy.sock. */
  readonly statsSocket?: string;
  /** Whether to query the stats socket (else only the process is checked). Default true. */
  readonly checkStatsSocket?: boolean;
  /** Where the watcher records the demotion it holds. Default /var/run/cdkbsd-carp-watch.state. */
  readonly stateFile?: string;
}

/** Options of the rc.d script. */
export interface WatcherRcScriptOptions {
  /** Construct path of the producer, for the generated-file header. */
  readonly producerPath: string;
  /** The watcher script daemon(8) runs. Default WATCHER_SCRIPT_PATH. */
  readonly scriptPath?: string;
  /** Seconds daemon(8) waits before restarting a watcher that died (daemon -R). Default 5. */
  readonly restartDelay?: number;
  /** daemon(8)'s own pidfile (-P, the one rc.subr checks and signals). Default /var/run/cdkbsd_carpwatch.pid. */
  readonly supervisorPidfile?: string;
  /** The watcher's pidfile (-p). Default /var/run/cdkbsd_carpwatch.child.pid. */
  readonly childPidfile?: string;
}

/** One problem with an option: which field, what is wrong, the value and what is allowed. */
export interface WatcherOptionProblem {
  readonly field: string;
  readonly message: string;
  readonly value: string;
  readonly allowed: string;
}

type NumericField = keyof typeof WATCHER_LIMITS;
type PathField = 'haproxyPidfile' | 'statsSocket' | 'stateFile' | 'scriptPath' | 'supervisorPidfile' | 'childPidfile';

function intProblem(field: NumericField, v: unknown): WatcherOptionProblem | undefined {
  if (v === undefined) return undefined;
  const [min, max] = WATCHER_LIMITS[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    return { field, message: `${field} must be an integer from ${min} to ${max}`, value: String(v), allowed: `integers ${min}–${max}` };
  }
  return undefined;
}

function pathProblem(field: PathField, v: unknown): WatcherOptionProblem | undefined {
  if (v === undefined) return undefined;
  const p = hostPathProblem(v);
  return p === undefined ? undefined : { field, message: `${field}: ${p}`, value: String(v), allowed: HOST_PATH_ALLOWED };
}

/**
 * Every problem with watcher options (empty when they can be rendered). Constructs report these
 * with Diagnostics.error; the renderers throw on them as a last line of defence.
 */
export function watcherOptionProblems(opts: Partial<WatcherScriptOptions & WatcherRcScriptOptions>): WatcherOptionProblem[] {
  const out: (WatcherOptionProblem | undefined)[] = [
    intProblem('interval', opts.interval),
    intProblem('fall', opts.fall),
    intProblem('rise', opts.rise),
    intProblem('demotion', opts.demotion),
    intProblem('timeout', opts.timeout),
    intProblem('restartDelay', opts.restartDelay),
    pathProblem('haproxyPidfile', opts.haproxyPidfile),
    pathProblem('statsSocket', opts.statsSocket),
    pathProblem('stateFile', opts.stateFile),
    pathProblem('scriptPath', opts.scriptPath),
    pathProblem('supervisorPidfile', opts.supervisorPidfile),
    pathProblem('childPidfile', opts.childPidfile),
  ];
  if (opts.checkStatsSocket !== undefined && typeof opts.checkStatsSocket !== 'boolean') {
    out.push({ field: 'checkStatsSocket', message: 'checkStatsSocket must be a boolean', value: String(opts.checkStatsSocket), allowed: 'true or false' });
  }
  return out.filter((p): p is WatcherOptionProblem => p !== undefined);
}

function assertValid(opts: Partial<WatcherScriptOptions & WatcherRcScriptOptions>): void {
  const problems = watcherOptionProblems(opts);
  if (problems.length > 0) {
    throw new Error(`invalid watcher options: ${problems.map((p) => `${p.message} (got ${JSON.stringify(p.value)})`).join('; ')}`);
  }
}

/** Quotes a word for sh in single quotes (safe for any text). */
export function shSingleQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The watcher: a POSIX sh script (FreeBSD base tools only: sh, sysctl, nc, logger, sleep, mv).
 *
 * Every `interval` seconds it checks that the pid in the HAProxy pidfile is alive (`kill -0`) and
 * that the stats socket answers `show info`. After `fall` failed checks in a row it adds `demotion`
 * to net.inet.carp.demotion; after `rise` good checks in a row it removes exactly what it added.
 * Its contribution is recorded in the state file (written before demoting, cleared after
 * promoting), so a restarted watcher neither demotes twice nor forgets a demotion; SIGTERM/SIGINT
 * remove the watcher's demotion and exit. If the kernel value is below the recorded contribution
 * (carp.ko reloaded), the watcher trusts the kernel and never drives the counter below zero.
 *
 * Test hooks (environment): `CDKBSD_WATCH_ITERATIONS=N` stops after N checks without touching the
 * demotion (like a crash); `CDKBSD_WATCH_INTERVAL=0.05` overrides the interval.
 */
export function renderWatcherScript(opts: WatcherScriptOptions): string {
  assertValid(opts);
  const d = WATCHER_DEFAULTS;
  const interval = opts.interval ?? d.interval;
  const fall = opts.fall ?? d.fall;
  const rise = opts.rise ?? d.rise;
  const demotion = opts.demotion ?? d.demotion;
  const timeout = opts.timeout ?? d.timeout;
  const pidfile = opts.haproxyPidfile ?? d.haproxyPidfile;
  const checkSocket = opts.checkStatsSocket ?? d.checkStatsSocket;
  const socket = checkSocket ? opts.statsSocket ?? d.statsSocket : '';
  const state = opts.stateFile ?? d.stateFile;
  const q = shSingleQuote;
  return `#!/bin/sh
${generatedHeader(opts.producerPath)}
#
# carp-haproxy-watch: demote CARP while HAProxy is down, so that the VIPs move to a member
# whose HAProxy works (needs net.inet.carp.preempt=1 on every member).
# net.inet.carp.demotion is a counter (a write adds); this script only ever removes what it
# added itself, as recorded in STATE_FILE. Run by ${WATCHER_RC_SCRIPT_PATH} under daemon(8).

INTERVAL=${q(String(interval))}
FALL=${q(String(fall))}
RISE=${q(String(rise))}
DEMOTION=${q(String(demotion))}
TIMEOUT=${q(String(timeout))}
HAPROXY_PIDFILE=${q(pidfile)}
STATS_SOCKET=${q(socket)}
STATE_FILE=${q(state)}
TAG=${q(WATCHER_LOG_TAG)}
OID=${q(CARP_DEMOTION_OID)}

# Test hooks: a number of checks to run, then exit as if crashed; a shorter interval.
iterations=0
case "\${CDKBSD_WATCH_ITERATIONS:-}" in
	''|*[!0-9]*) ;;
	*) iterations=$CDKBSD_WATCH_ITERATIONS ;;
esac
case "\${CDKBSD_WATCH_INTERVAL:-}" in
	''|.|*[!0-9.]*|*.*.*) ;;
	*) INTERVAL=$CDKBSD_WATCH_INTERVAL ;;
esac

applied=0	# demotion this watcher holds in the kernel (mirrors STATE_FILE)
fails=0
oks=0
stop=0
reason=''

log() {
	logger -p "daemon.$1" -t "$TAG" "$2"
}

is_int() {
	case "\${1#-}" in
		''|*[!0-9]*) return 1 ;;
	esac
	return 0
}

# Records our contribution; atomic (rename), so a crash leaves the old or the new value.
write_state() {
	printf '%s\\n' "$1" > "$STATE_FILE.tmp" && mv -f "$STATE_FILE.tmp" "$STATE_FILE"
}

read_state() {
	value=''
	if [ -r "$STATE_FILE" ]; then
		IFS= read -r value < "$STATE_FILE" || :
	fi
	case "$value" in
		''|*[!0-9]*) applied=0 ;;
		*) applied=$value ;;
	esac
}

kernel_demotion() {
	sysctl -n "$OID" 2>/dev/null
}

# The kernel value is the truth: if it is below what we recorded (carp.ko reloaded, or we died
# between recording and writing), we can hold at most that much.
reconcile() {
	[ "$applied" -gt 0 ] || return 0
	current=$(kernel_demotion)
	is_int "$current" || return 0
	if [ "$current" -lt "$applied" ]; then
		[ "$current" -gt 0 ] || current=0
		log notice "recorded demotion $applied but $OID is $current: holding $current"
		applied=$current
		write_state "$applied"
	fi
}

demote() {
	# Record first: a crash between the two steps then errs on the side reconcile() repairs.
	if ! write_state "$DEMOTION"; then
		log err "cannot write $STATE_FILE: not demoting"
		return 1
	fi
	if sysctl "$OID=$DEMOTION" >/dev/null; then
		applied=$DEMOTION
		log warning "HAProxy down ($reason) for $FALL checks: raised $OID by $DEMOTION"
	else
		write_state 0
		log err "HAProxy down ($reason) but raising $OID by $DEMOTION failed"
		return 1
	fi
}

promote() {
	why=$1
	reconcile
	if [ "$applied" -gt 0 ]; then
		if ! sysctl "$OID=-$applied" >/dev/null; then
			log err "$why: lowering $OID by $applied failed"
			return 1
		fi
		log notice "$why: lowered $OID by $applied"
	fi
	applied=0
	write_state 0
}

haproxy_ok() {
	if [ ! -r "$HAPROXY_PIDFILE" ]; then
		reason="no pidfile $HAPROXY_PIDFILE"
		return 1
	fi
	pid=''
	IFS= read -r pid < "$HAPROXY_PIDFILE" || :
	if ! is_int "$pid" || [ "$pid" -le 0 ]; then
		reason="no pid in $HAPROXY_PIDFILE"
		return 1
	fi
	if ! kill -0 "$pid" 2>/dev/null; then
		reason="process $pid is gone"
		return 1
	fi
	[ -n "$STATS_SOCKET" ] || return 0
	info=$(printf 'show info\\n' | nc -N -U -w "$TIMEOUT" "$STATS_SOCKET" 2>/dev/null)
	case "$info" in
		*"Name: HAProxy"*) return 0 ;;
	esac
	reason="stats socket $STATS_SOCKET does not answer"
	return 1
}

trap 'stop=1' TERM INT

read_state
reconcile
log notice "started: interval \${INTERVAL}s, fall $FALL, rise $RISE, demotion $DEMOTION, holding $applied"

n=0
while [ "$stop" -eq 0 ]; do
	if haproxy_ok; then
		fails=0
		[ "$oks" -ge "$RISE" ] || oks=$((oks + 1))
		if [ "$applied" -gt 0 ] && [ "$oks" -ge "$RISE" ]; then
			promote "HAProxy up again for $RISE checks"
		fi
	else
		oks=0
		[ "$fails" -ge "$FALL" ] || fails=$((fails + 1))
		if [ "$fails" -eq 1 ] && [ "$applied" -eq 0 ]; then
			log notice "HAProxy check failed: $reason"
		fi
		if [ "$applied" -eq 0 ] && [ "$fails" -ge "$FALL" ]; then
			demote
		fi
	fi
	n=$((n + 1))
	if [ "$iterations" -gt 0 ] && [ "$n" -ge "$iterations" ]; then
		exit 0
	fi
	[ "$stop" -eq 0 ] || break
	sleep "$INTERVAL" &
	sleep_pid=$!
	wait "$sleep_pid"
	if [ "$stop" -ne 0 ]; then
		kill "$sleep_pid" 2>/dev/null
	fi
done

# Stopped (service stop, shutdown): give back what we hold.
read_state
promote "stopping"
log notice "stopped"
exit 0
`;
}

/**
 * The rc.d script: runs the watcher under daemon(8), which restarts it when it dies (-R), keeps
 * its own pidfile (-P, the one rc.subr signals) and the watcher's (-p), and sends the watcher's
 * stdout/stderr to syslog (-S -T). `service cdkbsd_carpwatch stop` sends SIGTERM to daemon(8),
 * which forwards it: the watcher removes its demotion and exits. Enabled by
 * `cdkbsd_carpwatch_enable="YES"` in rc.conf.
 */
export function renderWatcherRcScript(opts: WatcherRcScriptOptions): string {
  assertValid(opts);
  const d = WATCHER_DEFAULTS;
  const script = opts.scriptPath ?? WATCHER_SCRIPT_PATH;
  const delay = opts.restartDelay ?? d.restartDelay;
  const supervisor = opts.supervisorPidfile ?? d.supervisorPidfile;
  const child = opts.childPidfile ?? d.childPidfile;
  const q = shSingleQuote;
  const name = WATCHER_RC_NAME;
  const args = ['-f', '-R', String(delay), '-P', supervisor, '-p', child, '-t', name, '-S', '-T', WATCHER_LOG_TAG, script];
  return `#!/bin/sh
${generatedHeader(opts.producerPath)}
#
# PROVIDE: ${name}
# REQUIRE: NETWORKING syslogd haproxy
# KEYWORD: shutdown
#
# Demotes CARP while HAProxy is down (see ${script}).
# Enable in /etc/rc.conf:
#   ${WATCHER_RC_ENABLE_KEY}="YES"

# The variables below are read by rc.subr, not by this file.
# shellcheck disable=SC2034

# shellcheck source=/dev/null
. /etc/rc.subr

name=${q(name)}
rcvar=${q(WATCHER_RC_ENABLE_KEY)}
desc='Demote CARP while HAProxy is down'

load_rc_config "$name"

: "\${${WATCHER_RC_ENABLE_KEY}:=NO}"

pidfile=${q(supervisor)}
procname='/usr/sbin/daemon'
command='/usr/sbin/daemon'
command_args="${args.map(evalSafeWord).join(' ')}"
required_files=${q(script)}

run_rc_command "$1"
`;
}

/**
 * rc.subr eval()s command_args: every word must be free of sh metacharacters. The options were
 * validated (plain absolute paths, integers); this re-checks, so a bug upstream cannot inject.
 */
function evalSafeWord(w: string): string {
  if (!/^[A-Za-z0-9._+@\/-]+$/.test(w)) throw new Error(`unsafe word for command_args: ${JSON.stringify(w)}`);
  return w;
}

/** The rc.conf lines the watcher needs on each member. */
export function watcherRcConf(): Record<string, string> {
  return { [WATCHER_RC_ENABLE_KEY]: 'YES' };
}
