import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, describe, expect, test } from 'vitest';
import { ExternalTools, HaproxyCheck } from '../../lib/testing/tools';
import { HaproxyConfView } from '../../lib/testing/parse-haproxy';

const skipHaproxy = HaproxyCheck.shouldSkip();

const CONFIG = `global
    daemon
    user www
    group www
    chroot /var/haproxy
    log /var/run/log local0
    stats socket /var/run/haproxy.sock mode 600 level admin
defaults
    mode http
    timeout connect 5s
    timeout client 5s
    timeout server 5s
frontend fe
    bind 127.0.0.1:8443 ssl crt /usr/local/etc/ssl/site.pem crt /usr/local/etc/haproxy/certs/
    bind 127.0.0.1:9443 ssl crt-list /usr/local/etc/haproxy/list.txt
    default_backend be
backend be
    server s1 127.0.0.1:9000 ssl verify required ca-file /usr/local/etc/ssl/ca.pem
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('ExternalTools', () => {
  test('shouldSkip is false for a tool that exists and true for a missing one (unless CDKBSD_REQUIRE_TOOLS=1)', () => {
    expect(ExternalTools.shouldSkip('sh')).toBe(false);
    const saved = process.env.CDKBSD_REQUIRE_TOOLS;
    try {
      delete process.env.CDKBSD_REQUIRE_TOOLS;
      expect(ExternalTools.shouldSkip('no-such-tool-cdkbsd')).toBe(true);
      process.env.CDKBSD_REQUIRE_TOOLS = '1';
      expect(ExternalTools.shouldSkip('no-such-tool-cdkbsd')).toBe(false);
      expect(() => ExternalTools.assertAvailable('no-such-tool-cdkbsd')).toThrow(/required but not installed/);
    } finally {
      if (saved === undefined) delete process.env.CDKBSD_REQUIRE_TOOLS;
      else process.env.CDKBSD_REQUIRE_TOOLS = saved;
    }
  });
});

describe.skipIf(skipHaproxy)('HaproxyCheck (needs haproxy and openssl)', () => {
  test('stage moves every certificate path into the staging dir, creates the files and lists each adaptation', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-tools-'));
    dirs.push(dir);
    const s = HaproxyCheck.stage(CONFIG, { directory: dir });
    const v = HaproxyConfView.parse(s.config);
    const fe = v.section('frontend', 'fe')!;
    const [b1, b2] = fe.find('bind');
    expect(b1.args).toEqual(['127.0.0.1:8443', 'ssl', 'crt', `${dir}/files/usr/local/etc/ssl/site.pem`, 'crt', `${dir}/files/usr/local/etc/haproxy/certs/`]);
    expect(fs.readFileSync(b1.args[3], 'utf8')).toMatch(/BEGIN CERTIFICATE[\s\S]*BEGIN PRIVATE KEY/);
    expect(fs.readdirSync(b1.args[5])).toEqual(['wildcard.pem']);
    const list = fs.readFileSync(b2.valueAfter('crt-list')!, 'utf8').trim().split(/\s+/);
    expect(fs.existsSync(list[0])).toBe(true);
    expect(v.section('backend', 'be')!.findFirst('server')!.valueAfter('ca-file')).toBe(`${dir}/files/usr/local/etc/ssl/ca.pem`);
    expect(v.section('global')!.keywords).toEqual(['daemon', 'uid', 'gid', 'chroot', 'log', 'stats']);
    expect(s.adaptations).toHaveLength(6);
    expect(s.adaptations).toContain("user www → uid 80 (Debian has no www user; FreeBSD's www is uid 80)");
  });

  test('stage with forRun also moves chroot and the stats socket, logs to stdout and drops daemon', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-tools-'));
    dirs.push(dir);
    const s = HaproxyCheck.stage(CONFIG, { directory: dir, forRun: true });
    const g = HaproxyConfView.parse(s.config).section('global')!;
    expect(g.find('daemon')).toEqual([]);
    expect(g.findFirst('chroot')!.args).toEqual([`${dir}/chroot`]);
    expect(g.findFirst('stats socket')!.args[1]).toBe(`${dir}/haproxy.sock`);
    expect(g.findFirst('log')!.args).toEqual(['stdout', 'format', 'raw', 'local0']);
    expect(s.adaptations.length).toBe(10);
  });

  test('check passes a valid config (haproxy -c exit 0) and reports the adaptations', () => {
    const r = HaproxyCheck.check(CONFIG);
    expect(r.clean).toBe(true); // exit 0 and no [ALERT]/[WARNING] (3.x prints nothing on success)
    expect(r.ok).toBe(true);
    expect(r.adaptations.length).toBe(6);
  });

  test('check fails on a config HAProxy rejects and returns its alert', () => {
    const r = HaproxyCheck.check(CONFIG.replace('timeout connect 5s', 'timeout connect 5parsecs'));
    expect(r.ok).toBe(false);
    expect(r.warnings.join('\n')).toMatch(/ALERT.*timeout/);
  });
});

describe('HaproxyCheck judges by exit status and [ALERT]/[WARNING] lines, never by a success message', () => {
  const PLAIN = 'defaults\n    mode http\nbackend be\n    server s1 127.0.0.1:9000\n';
  /** Runs `fn` with a stand-in `haproxy` (a sh script) first on the PATH. */
  function withFakeHaproxy<T>(script: string, fn: () => T): T {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-fakehaproxy-'));
    dirs.push(bin);
    fs.writeFileSync(path.join(bin, 'haproxy'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    const saved = process.env.PATH;
    process.env.PATH = `${bin}:${saved}`;
    try {
      return fn();
    } finally {
      process.env.PATH = saved;
    }
  }

  test('HAProxy 3.x: nothing printed, exit 0 → ok and clean; assertValid passes', () => {
    const r = withFakeHaproxy('exit 0', () => HaproxyCheck.check(PLAIN));
    expect([r.ok, r.clean, r.warnings, r.output]).toEqual([true, true, [], '']);
    expect(withFakeHaproxy('exit 0', () => HaproxyCheck.assertValid(PLAIN)).clean).toBe(true);
  });

  test('exit 0 with a [WARNING] (and its continuation lines) → ok but not clean; [NOTICE] is no problem; assertValid throws with the message', () => {
    const script = [
      "echo '[NOTICE]   (7) : haproxy version is 3.2.4' >&2",
      "echo '[WARNING]  (7) : config : missing timeouts for backend be.' >&2",
      "echo '   | While not properly invalid, you will certainly encounter various problems' >&2",
      'exit 0',
    ].join('\n');
    const r = withFakeHaproxy(script, () => HaproxyCheck.check(PLAIN));
    expect([r.ok, r.clean]).toEqual([true, false]);
    expect(r.warnings).toEqual([
      '[WARNING]  (7) : config : missing timeouts for backend be.\n   | While not properly invalid, you will certainly encounter various problems',
    ]);
    expect(() => withFakeHaproxy(script, () => HaproxyCheck.assertValid(PLAIN))).toThrow(/accepted the config with warnings:\n\[WARNING\].*missing timeouts/);
  });

  test('"Configuration file is valid" with a non-zero exit → not ok; assertValid throws', () => {
    const script = "echo 'Configuration file is valid'; echo '[ALERT]    (7) : config : parsing [x:3] : unknown keyword' >&2; exit 1";
    const r = withFakeHaproxy(script, () => HaproxyCheck.check(PLAIN));
    expect([r.ok, r.clean, r.warnings.length]).toEqual([false, false, 1]);
    expect(() => withFakeHaproxy(script, () => HaproxyCheck.assertValid(PLAIN))).toThrow(/rejected the config:\n\[ALERT\].*unknown keyword/);
  });
});
