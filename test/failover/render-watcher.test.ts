import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  renderWatcherRcScript,
  renderWatcherScript,
  watcherOptionProblems,
  WatcherScriptOptions,
  WATCHER_LOG_TAG,
  WATCHER_RC_ENABLE_KEY,
  watcherRcConf,
} from '../../lib/failover/render-watcher';
import { ExternalTools } from '../../lib/testing/tools';

// ---------------------------------------------------------------------------------------------
// A sandbox: stub FreeBSD tools first on PATH, a fake HAProxy process, the rendered watcher.
// The stub sysctl keeps net.inet.carp.demotion in a file and ADDS on write, like the kernel.
// The stub nc answers `show info` from a schedule (one line per call: ok|fail; the last line
// repeats), so a single run can go down and up again deterministically.
// ---------------------------------------------------------------------------------------------

const STUBS: Record<string, string> = {
  sysctl: `#!/bin/sh
d="$STUB_DIR"
echo "sysctl $*" >> "$d/calls.log"
[ -f "$d/demotion" ] || echo 0 > "$d/demotion"
if [ "$1" = "-n" ] && [ "$2" = "net.inet.carp.demotion" ]; then cat "$d/demotion"; exit 0; fi
[ -f "$d/sysctl-fails" ] && { echo "sysctl: unknown oid 'net.inet.carp.demotion'" >&2; exit 1; }
case "$1" in
  net.inet.carp.demotion=*)
    v=\${1#*=}; c=$(cat "$d/demotion"); n=$((c + v)); echo "$n" > "$d/demotion"
    echo "net.inet.carp.demotion: $c -> $n" ;;
  *) echo "stub sysctl: unexpected $*" >&2; exit 1 ;;
esac
`,
  nc: `#!/bin/sh
d="$STUB_DIR"
echo "nc $*" >> "$d/calls.log"
req=$(cat)
[ "$req" = "show info" ] || { echo "stub nc: unexpected request $req" >&2; exit 2; }
n=$(cat "$d/nc-count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$d/nc-count"
total=$(wc -l < "$d/nc-schedule")
[ "$n" -le "$total" ] || n=$total
answer=$(sed -n "\${n}p" "$d/nc-schedule")
[ "$answer" = ok ] || exit 1
printf 'Name: HAProxy\\nVersion: 2.6.12\\nPid: 4242\\n'
`,
  logger: `#!/bin/sh
echo "logger $*" >> "$STUB_DIR/calls.log"
`,
  service: `#!/bin/sh
echo "service $*" >> "$STUB_DIR/calls.log"
`,
};

interface Sandbox {
  readonly dir: string;
  readonly script: string;
  readonly env: NodeJS.ProcessEnv;
  demotion(): number;
  setDemotion(n: number): void;
  state(): string | undefined;
  calls(): string[];
  schedule(...answers: ('ok' | 'fail')[]): void;
  startHaproxy(): void;
  killHaproxy(): Promise<void>;
}

const sandboxes: string[] = [];
const children: ChildProcess[] = [];

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.pid) c.kill('SIGKILL');
  for (const d of sandboxes.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function sandbox(opts: Partial<WatcherScriptOptions> = {}): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-watch-'));
  sandboxes.push(dir);
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  for (const [name, text] of Object.entries(STUBS)) fs.writeFileSync(path.join(bin, name), text, { mode: 0o755 });
  const script = path.join(dir, 'carp-haproxy-watch');
  fs.writeFileSync(script, renderWatcherScript({
    producerPath: 'App/Cluster/Watcher',
    haproxyPidfile: path.join(dir, 'haproxy.pid'),
    statsSocket: path.join(dir, 'haproxy.sock'),
    stateFile: path.join(dir, 'watch.state'),
    ...opts,
  }), { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'nc-schedule'), 'ok\n');
  const read = (f: string) => (fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), 'utf8') : undefined);
  let haproxy: ChildProcess | undefined;
  return {
    dir,
    script,
    env: { PATH: `${bin}:/usr/bin:/bin`, STUB_DIR: dir, CDKBSD_WATCH_INTERVAL: '0.01' },
    demotion: () => Number((read('demotion') ?? '0').trim()),
    setDemotion: (n) => fs.writeFileSync(path.join(dir, 'demotion'), `${n}\n`),
    state: () => read('watch.state')?.trim(),
    calls: () => (read('calls.log') ?? '').split('\n').filter((l) => l !== ''),
    schedule: (...answers) => {
      fs.writeFileSync(path.join(dir, 'nc-schedule'), answers.join('\n') + '\n');
      fs.rmSync(path.join(dir, 'nc-count'), { force: true });
    },
    startHaproxy: () => {
      haproxy = spawn('sleep', ['600'], { stdio: 'ignore' });
      children.push(haproxy);
      fs.writeFileSync(path.join(dir, 'haproxy.pid'), `${haproxy.pid}\n`);
    },
    killHaproxy: async () => {
      // wait for node to reap it: a zombie still answers kill -0
      const p = haproxy!;
      const exited = new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));
      p.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs the watcher for `iterations` checks (then it exits like a crash: no cleanup). */
function run(sb: Sandbox, iterations: number): { status: number | null; stderr: string } {
  const r = spawnSync('/bin/sh', [sb.script], {
    env: { ...sb.env, CDKBSD_WATCH_ITERATIONS: String(iterations) },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stderr: r.stderr };
}

const writes = (sb: Sandbox) => sb.calls().filter((l) => /^sysctl net\.inet\.carp\.demotion=/.test(l));

// ---------------------------------------------------------------------------------------------

describe('shellcheck', () => {
  const skip = ExternalTools.shouldSkip('shellcheck', 'lint the generated watcher and rc.d scripts');
  const variants: [string, string][] = [
    ['watcher (defaults)', renderWatcherScript({ producerPath: 'App/C/W' })],
    ['watcher (no stats socket, custom values)', renderWatcherScript({ producerPath: "App/it's/W", interval: 5, fall: 2, rise: 10, demotion: 100, timeout: 3, checkStatsSocket: false, stateFile: '/var/db/w.state' })],
    ['rc.d script (defaults)', renderWatcherRcScript({ producerPath: 'App/C/W' })],
    ['rc.d script (custom)', renderWatcherRcScript({ producerPath: 'App/C/W', scriptPath: '/opt/x/watch', restartDelay: 30, supervisorPidfile: '/var/run/a.pid', childPidfile: '/var/run/b.pid' })],
  ];
  test.skipIf(skip).each(variants)('the generated %s passes shellcheck -s sh with no finding at any severity', (_name, text) => {
    const r = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', '-'], { input: text, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('watcher behaviour (stubbed sysctl, nc, logger, service; a real process as HAProxy)', () => {
  test('a healthy HAProxy is never demoted, and the watcher only reads the stats socket', () => {
    const sb = sandbox();
    sb.startHaproxy();
    sb.schedule('ok');
    expect(run(sb, 10).status).toBe(0);
    expect(writes(sb)).toEqual([]);
    expect(sb.demotion()).toBe(0);
    const nc = sb.calls().filter((l) => l.startsWith('nc '));
    expect(nc).toHaveLength(10);
    expect(nc[0]).toBe(`nc -N -U -w 2 ${path.join(sb.dir, 'haproxy.sock')}`);
    expect(sb.calls().filter((l) => l.startsWith('service '))).toEqual([]);
  });

  test('a dead HAProxy process is demoted after exactly `fall` checks, once, by the configured amount', async () => {
    const sb = sandbox({ fall: 3, demotion: 200 });
    sb.startHaproxy();
    await sb.killHaproxy();
    expect(run(sb, 2).status).toBe(0); // fall - 1 checks: nothing yet
    expect(writes(sb)).toEqual([]);
    expect(sb.demotion()).toBe(0);

    expect(run(sb, 3).status).toBe(0); // a fresh run: the third failed check demotes
    expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=200']);
    expect(sb.demotion()).toBe(200);
    expect(sb.state()).toBe('200');
    const warn = sb.calls().filter((l) => l.startsWith('logger -p daemon.warning'));
    expect(warn).toHaveLength(1);
    expect(warn[0]).toMatch(/^logger -p daemon\.warning -t cdkbsd-carp-watch HAProxy down \(process \d+ is gone\) for 3 checks: raised net\.inet\.carp\.demotion by 200$/);
  });

  test('a live process whose stats socket does not answer is down too; it is lowered back to 0 after `rise` good checks', () => {
    const sb = sandbox({ fall: 3, rise: 5, demotion: 240 });
    sb.startHaproxy();
    sb.schedule('ok', 'fail', 'fail', 'fail', 'fail', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok');
    expect(run(sb, 12).status).toBe(0);
    // The order of checks and writes: demote right after the 3rd consecutive failure (check 4),
    // promote right after the 5th consecutive success (check 10), nothing else.
    const seq = sb.calls().filter((l) => l.startsWith('nc ') || /^sysctl net\./.test(l)).map((l) => (l.startsWith('nc ') ? 'check' : l.replace('sysctl ', '')));
    expect(seq).toEqual([
      'check', 'check', 'check', 'check',
      'net.inet.carp.demotion=240',
      'check', 'check', 'check', 'check', 'check', 'check',
      'net.inet.carp.demotion=-240',
      'check', 'check',
    ]);
    expect(sb.demotion()).toBe(0);
    expect(sb.state()).toBe('0');
  });

  test('fewer than `fall` failures in a row, or fewer than `rise` successes, change nothing', () => {
    const sb = sandbox({ fall: 3, rise: 3 });
    sb.startHaproxy();
    sb.schedule('fail', 'fail', 'ok', 'fail', 'fail', 'ok', 'fail', 'fail', 'fail', 'ok', 'ok', 'fail', 'ok');
    expect(run(sb, 13).status).toBe(0);
    expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=240']); // only the 3-in-a-row
    expect(sb.demotion()).toBe(240);
  });

  test('a watcher restarted while demoted keeps its demotion and never demotes twice', async () => {
    const sb = sandbox({ fall: 2, rise: 2 });
    sb.startHaproxy();
    await sb.killHaproxy();
    run(sb, 5);
    expect(sb.demotion()).toBe(240);
    // crash + restart (daemon -R), HAProxy still dead, twice
    run(sb, 6);
    run(sb, 6);
    expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=240']);
    expect(sb.demotion()).toBe(240);
    expect(sb.calls()).toContain(`logger -p daemon.notice -t ${WATCHER_LOG_TAG} started: interval 0.01s, fall 2, rise 2, demotion 240, holding 240`);
    // HAProxy comes back: the restarted watcher removes what the first one added
    sb.startHaproxy();
    sb.schedule('ok');
    run(sb, 2);
    expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=240', 'sysctl net.inet.carp.demotion=-240']);
    expect(sb.demotion()).toBe(0);
  });

  test('it removes only its own share: another demotion (interface down, pfsync) stays', () => {
    const sb = sandbox({ fall: 1, rise: 1, demotion: 240 });
    sb.startHaproxy();
    sb.setDemotion(240); // e.g. ifdown_demotion_factor already applied by the kernel
    sb.schedule('fail', 'ok');
    run(sb, 2);
    expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=240', 'sysctl net.inet.carp.demotion=-240']);
    expect(sb.demotion()).toBe(240);
  });

  test('a stale state file (kernel demotion reset, e.g. carp.ko reloaded) never drives the counter below zero', () => {
    const sb = sandbox({ fall: 2, rise: 1 });
    sb.startHaproxy();
    fs.writeFileSync(path.join(sb.dir, 'watch.state'), '240\n');
    sb.setDemotion(0);
    sb.schedule('ok');
    run(sb, 3);
    expect(writes(sb)).toEqual([]);
    expect(sb.demotion()).toBe(0);
    expect(sb.state()).toBe('0');
    expect(sb.calls()).toContain(`logger -p daemon.notice -t ${WATCHER_LOG_TAG} recorded demotion 240 but net.inet.carp.demotion is 0: holding 0`);
  });

  test('when the sysctl write fails (carp not loaded) nothing is recorded and the next check retries', async () => {
    const sb = sandbox({ fall: 1 });
    sb.startHaproxy();
    await sb.killHaproxy();
    fs.writeFileSync(path.join(sb.dir, 'sysctl-fails'), '');
    run(sb, 2);
    expect(sb.state()).toBe('0');
    expect(sb.calls().filter((l) => l.startsWith('logger -p daemon.err'))).toHaveLength(2);
    fs.rmSync(path.join(sb.dir, 'sysctl-fails'));
    run(sb, 2);
    expect(sb.demotion()).toBe(240);
    expect(sb.state()).toBe('240');
  });

  test('SIGTERM interrupts the sleep, removes the watcher\'s demotion and exits 0', async () => {
    const sb = sandbox({ fall: 1, interval: 3600 });
    sb.startHaproxy();
    await sb.killHaproxy();
    sb.setDemotion(0);
    const child = spawn('/bin/sh', [sb.script], { env: { ...sb.env, CDKBSD_WATCH_INTERVAL: '30' }, stdio: 'ignore' });
    children.push(child);
    const deadline = Date.now() + 10_000;
    while (sb.demotion() !== 240 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(sb.demotion()).toBe(240);
    const t0 = Date.now();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000); // not after the 30 s sleep
    expect(sb.demotion()).toBe(0);
    expect(sb.state()).toBe('0');
    expect(sb.calls().slice(-3)).toEqual([
      'sysctl net.inet.carp.demotion=-240',
      `logger -p daemon.notice -t ${WATCHER_LOG_TAG} stopping: lowered net.inet.carp.demotion by 240`,
      `logger -p daemon.notice -t ${WATCHER_LOG_TAG} stopped`,
    ]);
  });

  test('SIGTERM on a watcher that holds no demotion writes nothing', async () => {
    const sb = sandbox();
    sb.startHaproxy();
    const child = spawn('/bin/sh', [sb.script], { env: { ...sb.env, CDKBSD_WATCH_INTERVAL: '30' }, stdio: 'ignore' });
    children.push(child);
    const deadline = Date.now() + 10_000;
    while (!sb.calls().some((l) => l.startsWith('nc ')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(writes(sb)).toEqual([]);
    expect(sb.demotion()).toBe(0);
  });

  test('with checkStatsSocket false only the process is checked', () => {
    const sb = sandbox({ checkStatsSocket: false, fall: 1 });
    sb.startHaproxy();
    sb.schedule('fail');
    run(sb, 3);
    expect(sb.calls().filter((l) => l.startsWith('nc '))).toEqual([]);
    expect(writes(sb)).toEqual([]);
  });

  test('test hooks with malformed values are ignored (no endless loop, no injection)', () => {
    const sb = sandbox({ interval: 1 });
    sb.startHaproxy();
    const r = spawnSync('/bin/sh', [sb.script], {
      env: { ...sb.env, CDKBSD_WATCH_ITERATIONS: '2', CDKBSD_WATCH_INTERVAL: '0.01;touch pwned' },
      encoding: 'utf8', timeout: 20_000,
    });
    // the bad interval falls back to the rendered 1 s
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(sb.dir, 'pwned'))).toBe(false);
    expect(sb.calls()).toContain(`logger -p daemon.notice -t ${WATCHER_LOG_TAG} started: interval 1s, fall 3, rise 5, demotion 240, holding 0`);
  });
});

describe('watcher with a real HAProxy', () => {
  const skip = ExternalTools.shouldSkip('haproxy', 'check the watcher against a real stats socket')
    || ExternalTools.shouldSkip('python3', 'stand in for FreeBSD nc -U on Linux');
  test.skipIf(skip)('the real `show info` answer counts as healthy, and killing HAProxy demotes', async () => {
    const sb = sandbox({ fall: 2, rise: 1 });
    // nc -N -U -w T path, as FreeBSD's nc does it, in python3 (Debian has no nc -U by default)
    fs.writeFileSync(path.join(sb.dir, 'bin', 'nc'), `#!/bin/sh
echo "nc $*" >> "$STUB_DIR/calls.log"
eval "sock=\\$$#"
exec python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(2)
s.connect(sys.argv[1])
s.sendall(sys.stdin.buffer.read())
s.shutdown(socket.SHUT_WR)
while True:
    b = s.recv(4096)
    if not b: break
    sys.stdout.buffer.write(b)
' "$sock"
`, { mode: 0o755 });
    const sock = path.join(sb.dir, 'haproxy.sock');
    const pidfile = path.join(sb.dir, 'haproxy.pid');
    const cfg = path.join(sb.dir, 'haproxy.cfg');
    fs.writeFileSync(cfg, `global\n  stats socket ${sock} mode 600 level user\ndefaults\n  mode http\n  timeout client 5s\n  timeout server 5s\n  timeout connect 5s\nfrontend f\n  bind ${path.join(sb.dir, 'web.sock')}\n`);
    const start = spawnSync('haproxy', ['-D', '-p', pidfile, '-f', cfg], { encoding: 'utf8', timeout: 10_000 });
    expect(start.status, start.stderr).toBe(0);
    const pid = Number(fs.readFileSync(pidfile, 'utf8').trim());
    try {
      run(sb, 3);
      expect(writes(sb)).toEqual([]);
      process.kill(pid, 'SIGTERM');
      // gone, or a zombie nobody reaps here (its stats socket is closed either way)
      const deadline = Date.now() + 5000;
      const alive = () => fs.existsSync(`/proc/${pid}/stat`) && !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(alive()).toBe(false);
      run(sb, 2);
      expect(writes(sb)).toEqual(['sysctl net.inet.carp.demotion=240']);
    } finally {
      try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
    }
  });
});

// ---------------------------------------------------------------------------------------------

describe('rc.d script', () => {
  /** Sources the rc.d script with a stub rc.subr and returns the variables rc.subr would use. */
  function sourceRc(text: string): Record<string, string> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-rc-'));
    sandboxes.push(dir);
    fs.writeFileSync(path.join(dir, 'rc.subr'), `
load_rc_config() { echo "load_rc_config=$1"; }
run_rc_command() {
  echo "arg=$1"
  for v in name rcvar desc pidfile procname command required_files cdkbsd_carpwatch_enable; do
    eval "printf '%s=%s\\n' $v \\"\\$$v\\""
  done
  # rc.subr eval()s command_args: show the words the shell makes of it
  eval "set -- $command_args"
  for w in "$@"; do printf 'word=%s\\n' "$w"; done
}
`);
    const script = path.join(dir, 'rc');
    expect(text).toContain('\n. /etc/rc.subr\n');
    fs.writeFileSync(script, text.replace('\n. /etc/rc.subr\n', `\n. ${dir}/rc.subr\n`));
    const r = spawnSync('/bin/sh', [script, 'start'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const out: Record<string, string> = {};
    const words: string[] = [];
    for (const line of r.stdout.split('\n').filter((l) => l)) {
      const i = line.indexOf('=');
      if (line.startsWith('word=')) words.push(line.slice(5));
      else out[line.slice(0, i)] = line.slice(i + 1);
    }
    out.words = JSON.stringify(words);
    return out;
  }

  test('follows rc.subr conventions: PROVIDE/REQUIRE/KEYWORD header, name, rcvar, disabled unless enabled in rc.conf', () => {
    const text = renderWatcherRcScript({ producerPath: 'App/Cluster/Watcher' });
    const lines = text.split('\n');
    expect(lines[0]).toBe('#!/bin/sh');
    expect(lines[1]).toBe('# Generated by cdkbsd from App/Cluster/Watcher. Do not edit: the next synth overwrites it.');
    const meta = Object.fromEntries(lines.filter((l) => /^# (PROVIDE|REQUIRE|KEYWORD):/.test(l)).map((l) => l.slice(2).split(': ')));
    expect(meta).toEqual({ PROVIDE: 'cdkbsd_carpwatch', REQUIRE: 'NETWORKING syslogd haproxy', KEYWORD: 'shutdown' });
    const v = sourceRc(text);
    expect(v).toMatchObject({
      load_rc_config: 'cdkbsd_carpwatch',
      arg: 'start',
      name: 'cdkbsd_carpwatch',
      rcvar: WATCHER_RC_ENABLE_KEY,
      cdkbsd_carpwatch_enable: 'NO',
      pidfile: '/var/run/cdkbsd_carpwatch.pid',
      procname: '/usr/sbin/daemon',
      command: '/usr/sbin/daemon',
      required_files: '/usr/local/libexec/cdkbsd/carp-haproxy-watch',
    });
    expect(watcherRcConf()).toEqual({ cdkbsd_carpwatch_enable: 'YES' });
  });

  test('runs the watcher under daemon(8): supervised restart, supervisor and child pidfiles, title, syslog', () => {
    const v = sourceRc(renderWatcherRcScript({ producerPath: 'x', restartDelay: 7, supervisorPidfile: '/var/run/s.pid', childPidfile: '/var/run/c.pid', scriptPath: '/opt/w' }));
    expect(JSON.parse(v.words)).toEqual([
      '-f', '-R', '7', '-P', '/var/run/s.pid', '-p', '/var/run/c.pid', '-t', 'cdkbsd_carpwatch', '-S', '-T', WATCHER_LOG_TAG, '/opt/w',
    ]);
    expect(v.pidfile).toBe('/var/run/s.pid'); // rc.subr signals the supervisor, which forwards SIGTERM
  });
});

describe('option validation', () => {
  test('valid options have no problems; each bad option is named with value and what is allowed', () => {
    expect(watcherOptionProblems({ interval: 2, fall: 3, rise: 5, demotion: 240, timeout: 2, haproxyPidfile: '/var/run/haproxy.pid' })).toEqual([]);
    const problems = watcherOptionProblems({
      interval: 0, fall: 1.5, demotion: 241, haproxyPidfile: 'var/run/h.pid', statsSocket: "/tmp/a'b", stateFile: '/var/run/$(reboot)', scriptPath: '/a/../b',
    });
    expect(problems.map((p) => [p.field, p.value])).toEqual([
      ['interval', '0'], ['fall', '1.5'], ['demotion', '241'],
      ['haproxyPidfile', 'var/run/h.pid'], ['statsSocket', "/tmp/a'b"], ['stateFile', '/var/run/$(reboot)'], ['scriptPath', '/a/../b'],
    ]);
    expect(problems[2]).toMatchObject({ message: 'demotion must be an integer from 1 to 240', allowed: 'integers 1–240' });
  });

  test('the renderers refuse hostile values instead of quoting them into a root script', () => {
    expect(() => renderWatcherScript({ producerPath: 'x', stateFile: '/tmp/x;reboot' })).toThrow(/stateFile/);
    expect(() => renderWatcherRcScript({ producerPath: 'x', scriptPath: '/tmp/x y' })).toThrow(/scriptPath/);
    expect(() => renderWatcherScript({ producerPath: 'x', interval: -1 })).toThrow(/interval/);
  });

  test('rendering is deterministic and values land in the script as sh single-quoted words', () => {
    const a = renderWatcherScript({ producerPath: 'App/W', demotion: 120, interval: 4 });
    expect(renderWatcherScript({ producerPath: 'App/W', demotion: 120, interval: 4 })).toBe(a);
    // read the assignments back with sh itself
    const r = spawnSync('/bin/sh', ['-c', `${a.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).join('\n')}\nprintf '%s|' "$INTERVAL" "$FALL" "$RISE" "$DEMOTION" "$TIMEOUT" "$HAPROXY_PIDFILE" "$STATS_SOCKET" "$STATE_FILE" "$OID"`], { encoding: 'utf8' });
    expect(r.stdout).toBe('4|3|5|120|2|/var/run/haproxy.pid|/var/run/haproxy.sock|/var/run/cdkbsd-carp-watch.state|net.inet.carp.demotion|');
  });
});
