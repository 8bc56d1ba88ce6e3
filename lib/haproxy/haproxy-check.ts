import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HaproxyConfView } from './haproxy-conf-view';

/**
 * External tools used by tests (haproxy, openssl, …): whether they are there and whether a
 * missing one means "skip" or "fail".
 */
export class ExternalTools {
  /** The environment variable that turns a missing tool into a failure (CI sets it to `1`). */
  public static readonly REQUIRE_ENV = 'CDKBSD_REQUIRE_TOOLS';

  /** Whether `CDKBSD_REQUIRE_TOOLS=1`: tests must fail, not skip, when a tool is missing. */
  public static required(): boolean {
    return process.env[ExternalTools.REQUIRE_ENV] === '1';
  }

  /** Whether `command` is on the PATH (runs `command -v` through /bin/sh). */
  public static available(command: string): boolean {
    if (!/^[A-Za-z0-9._+-]+$/.test(command)) return false;
    const r = spawnSync('/bin/sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
    return r.status === 0 && r.stdout.trim() !== '';
  }

  /**
   * Whether a test needing `command` should be skipped: true only when the tool is missing
   * and `CDKBSD_REQUIRE_TOOLS` is not `1` (then a clear message is printed once). When the
   * variable is `1`, returns false, so the test runs and fails on the missing tool.
   *
   * @param command the tool, e.g. `haproxy`
   * @param why what the test would check with it (for the message)
   */
  public static shouldSkip(command: string, why?: string): boolean {
    if (ExternalTools.available(command)) return false;
    if (ExternalTools.required()) return false;
    if (!warned.has(command)) {
      warned.add(command);
      // eslint-disable-next-line no-console
      console.warn(
        `SKIPPED: ${command} is not installed${why ? ` (needed to ${why})` : ''}. ` +
        `Install it, or set ${ExternalTools.REQUIRE_ENV}=1 to make this a failure.`,
      );
    }
    return true;
  }

  /**
   * Throws a clear error when `command` is missing (use inside a test that must not pass
   * without it).
   */
  public static assertAvailable(command: string): void {
    if (!ExternalTools.available(command)) {
      throw new Error(`${command} is required but not installed (${ExternalTools.REQUIRE_ENV}=${process.env[ExternalTools.REQUIRE_ENV] ?? ''})`);
    }
  }
}

const warned = new Set<string>();

/** Options of `HaproxyCheck.stage` and `HaproxyCheck.check`. */
export interface HaproxyStageOptions {
  /**
   * Also adapt what a real run needs (not only `haproxy -c`): `chroot` into the staging
   * directory, `stats socket` and `log` UNIX sockets into it, and drop `daemon`, so the test
   * can run HAProxy in the foreground and stop it by its pid.
   * @default false
   */
  readonly forRun?: boolean;
  /**
   * DNS names put in the self-signed certificates (subjectAltName).
   * @default ['example.net', '*.example.net']
   */
  readonly certificateNames?: string[];
  /**
   * The staging directory (created when missing).
   * @default - a fresh temporary directory
   */
  readonly directory?: string;
}

/** A haproxy.conf staged for a check or a run. */
export interface StagedHaproxyConfig {
  /** The staging directory (holds the config, certificates, sockets). */
  readonly directory: string;
  /** Path of the adapted config file. */
  readonly configPath: string;
  /** The adapted config text. */
  readonly config: string;
  /**
   * Every change made to the config, one sentence each, e.g.
   * `user www → uid 80 (Debian has no www user; FreeBSD's www is uid 80)`.
   */
  readonly adaptations: string[];
}

/**
 * The outcome of `haproxy -c`, judged by its exit status and its `[ALERT]`/`[WARNING]` lines,
 * never by a success message: HAProxy 2.x prints "Configuration file is valid", 3.x prints
 * nothing when the config is valid.
 */
export interface HaproxyCheckResult {
  /** Whether `haproxy -c` exited with status 0 (the config loads, it may still have warnings). */
  readonly ok: boolean;
  /** Whether it exited with status 0 and printed no `[ALERT]` and no `[WARNING]`. */
  readonly clean: boolean;
  /** Its stdout and stderr. */
  readonly output: string;
  /**
   * The `[WARNING]` and `[ALERT]` messages of the output, one entry each (a message's
   * continuation lines, `   | …`, joined to it with newlines).
   */
  readonly warnings: string[];
  /** Every adaptation made before the check (see `StagedHaproxyConfig.adaptations`). */
  readonly adaptations: string[];
  /** The adapted config text that was checked. */
  readonly stagedConfig: string;
}

/**
 * Runs the real HAProxy on generated configs: stages the config in a temporary directory with
 * self-signed certificates at every path it names, then `haproxy -c -f`.
 */
export class HaproxyCheck {
  /** Whether the `haproxy` binary is on the PATH. */
  public static haproxyAvailable(): boolean {
    return ExternalTools.available('haproxy');
  }

  /**
   * Whether haproxy tests should be skipped (see `ExternalTools.shouldSkip`).
   */
  public static shouldSkip(): boolean {
    return ExternalTools.shouldSkip('haproxy', 'check generated haproxy.conf with haproxy -c');
  }

  /**
   * Copies `config` into a staging directory and adapts it to this machine, listing every
   * change: certificate, crt-list, CA and DH parameter paths are moved into the directory
   * (and the files created with openssl, self-signed). `user www`/`group www` become
   * `uid 80`/`gid 80`; with `forRun`, also chroot, sockets and `daemon` (see
   * `HaproxyStageOptions.forRun`).
   */
  public static stage(config: string, options: HaproxyStageOptions = {}): StagedHaproxyConfig {
    const dir = options.directory ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdkbsd-haproxy-'));
    fs.mkdirSync(dir, { recursive: true });
    const names = options.certificateNames ?? ['example.net', '*.example.net'];
    const adaptations: string[] = [];
    const view = HaproxyConfView.parse(config);
    const lines = config.split('\n');
    const staged = (p: string) => path.join(dir, 'files', p.replace(/^\/+/, '').replace(/\/+$/, ''));
    // Replacements are collected per line and applied in one pass at the end, so a staged
    // path (which contains the original path) is never replaced again.
    const pending = new Map<number, Map<string, string>>();
    const replaceOnLine = (lineNo: number, from: string, to: string) => {
      const m = pending.get(lineNo - 1) ?? new Map<string, string>();
      m.set(from, to);
      pending.set(lineNo - 1, m);
    };
    const done = new Map<string, string>();
    const material = new CertificateMaterial(dir, names);

    for (const section of view.sections) {
      for (const d of section.directives) {
        const words = d.args;
        for (let k = 0; k < words.length - 1; k++) {
          const kw = words[k];
          const p = words[k + 1];
          if (!['crt', 'crt-list', 'ca-file', 'crl-file'].includes(kw) || !p.startsWith('/')) continue;
          if (section.kind === 'global') continue;
          const target = staged(p);
          if (!done.has(`${kw} ${p}`)) {
            done.set(`${kw} ${p}`, target);
            if (kw === 'crt' && p.endsWith('/')) {
              fs.mkdirSync(target, { recursive: true });
              fs.writeFileSync(path.join(target, 'wildcard.pem'), material.pem());
              adaptations.push(`crt directory ${p} → ${target}/ with one self-signed certificate (wildcard.pem)`);
            } else if (kw === 'crt') {
              fs.mkdirSync(path.dirname(target), { recursive: true });
              fs.writeFileSync(target, material.pem());
              adaptations.push(`crt ${p} → ${target} (self-signed certificate and key)`);
            } else if (kw === 'crt-list') {
              fs.mkdirSync(path.dirname(target), { recursive: true });
              const pemPath = `${target}.d/wildcard.pem`;
              fs.mkdirSync(path.dirname(pemPath), { recursive: true });
              fs.writeFileSync(pemPath, material.pem());
              fs.writeFileSync(target, `${pemPath} [alpn h2,http/1.1] ${names.join(' ')}\n`);
              adaptations.push(`crt-list ${p} → ${target} (one line naming a self-signed certificate)`);
            } else if (kw === 'ca-file') {
              fs.mkdirSync(path.dirname(target), { recursive: true });
              fs.writeFileSync(target, material.certificate());
              adaptations.push(`ca-file ${p} → ${target} (the self-signed certificate as CA)`);
            } else {
              fs.mkdirSync(path.dirname(target), { recursive: true });
              fs.writeFileSync(target, '');
              adaptations.push(`crl-file ${p} → ${target} (empty)`);
            }
          }
          replaceOnLine(d.line, p, kw === 'crt' && p.endsWith('/') ? `${target}/` : target);
        }
      }
    }

    const global = view.section('global');
    if (global) {
      for (const d of global.directives) {
        if (d.keyword === 'user' && d.args[0] === 'www') {
          lines[d.line - 1] = lines[d.line - 1].replace(/\buser\s+www\b/, 'uid 80');
          adaptations.push('user www → uid 80 (Debian has no www user; FreeBSD\'s www is uid 80)');
        }
        if (d.keyword === 'group' && d.args[0] === 'www') {
          lines[d.line - 1] = lines[d.line - 1].replace(/\bgroup\s+www\b/, 'gid 80');
          adaptations.push('group www → gid 80 (Debian has no www group; FreeBSD\'s www is gid 80)');
        }
        if (d.keyword === 'ssl-dh-param-file' && d.args[0]?.startsWith('/')) {
          const target = staged(d.args[0]);
          fs.mkdirSync(path.dirname(target), { recursive: true });
          fs.writeFileSync(target, material.dhParams());
          replaceOnLine(d.line, d.args[0], target);
          adaptations.push(`ssl-dh-param-file ${d.args[0]} → ${target} (ffdhe2048 from openssl)`);
        }
        if (options.forRun) {
          if (d.keyword === 'chroot') {
            const root = path.join(dir, 'chroot');
            fs.mkdirSync(path.join(root, 'var', 'run'), { recursive: true });
            replaceOnLine(d.line, d.args[0], root);
            adaptations.push(`chroot ${d.args[0]} → ${root}`);
          }
          if (d.keyword === 'daemon') {
            lines[d.line - 1] = lines[d.line - 1].replace(/\bdaemon\b/, '# daemon (removed by the test: runs in the foreground)');
            adaptations.push('daemon removed (the test runs HAProxy in the foreground and stops it by pid)');
          }
          if (d.keyword === 'stats' && d.args[0] === 'socket' && d.args[1]?.startsWith('/')) {
            const target = path.join(dir, 'haproxy.sock');
            replaceOnLine(d.line, d.args[1], target);
            adaptations.push(`stats socket ${d.args[1]} → ${target}`);
          }
          if (d.keyword === 'log' && d.args[0]?.startsWith('/')) {
            lines[d.line - 1] = lines[d.line - 1].replace(/^(\s*)log\s.*$/, '$1log stdout format raw local0');
            adaptations.push(`log ${d.args[0]} → stdout (no syslogd in the test)`);
          }
        }
      }
    }

    for (const [i, m] of pending) {
      const froms = [...m.keys()].sort((a, b) => b.length - a.length);
      const re = new RegExp(froms.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
      lines[i] = lines[i].replace(re, (x) => m.get(x) ?? x);
    }
    const text = lines.join('\n');
    const configPath = path.join(dir, 'haproxy.conf');
    fs.writeFileSync(configPath, text);
    return { directory: dir, configPath, config: text, adaptations };
  }

  /**
   * Stages `config` (see `stage`) and runs `haproxy -c -f` on it. The staging directory is
   * removed afterwards unless `options.directory` was given.
   */
  public static check(config: string, options: HaproxyStageOptions = {}): HaproxyCheckResult {
    const s = HaproxyCheck.stage(config, options);
    try {
      const r = spawnSync('haproxy', ['-c', '-f', s.configPath], { encoding: 'utf8', timeout: 30_000 });
      const output = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}`;
      const warnings = haproxyMessages(output);
      const ok = r.status === 0 && !r.error;
      return { ok, clean: ok && warnings.length === 0, output, warnings, adaptations: s.adaptations, stagedConfig: s.config };
    } finally {
      if (options.directory === undefined) fs.rmSync(s.directory, { recursive: true, force: true });
    }
  }

  /**
   * Checks `config` (see `check`) and throws unless it is clean: exit status 0 and no
   * `[ALERT]` or `[WARNING]`. The error lists the messages and the adaptations made.
   * @returns the result of the check
   */
  public static assertValid(config: string, options: HaproxyStageOptions = {}): HaproxyCheckResult {
    const r = HaproxyCheck.check(config, options);
    if (!r.clean) {
      const why = r.ok ? 'haproxy -c accepted the config with warnings' : 'haproxy -c rejected the config';
      const details = r.warnings.length > 0 ? r.warnings.join('\n') : r.output.trim();
      throw new Error(`${why}:\n${details}\n(adaptations: ${r.adaptations.join('; ') || 'none'})`);
    }
    return r;
  }
}

/**
 * The `[ALERT]` and `[WARNING]` messages of HAProxy's output, each with its continuation lines
 * (`   | …`). `[NOTICE]` lines (version, executable path) are not problems.
 */
function haproxyMessages(output: string): string[] {
  const out: string[] = [];
  let open = false;
  for (const l of output.split('\n')) {
    if (/\[(WARNING|ALERT)\]/.test(l)) {
      out.push(l);
      open = true;
    } else if (open && /^\s+\|/.test(l)) {
      out[out.length - 1] += `\n${l}`;
    } else {
      open = false;
    }
  }
  return out;
}

/** Self-signed test certificates, made once per process with openssl. */
class CertificateMaterial {
  private static cache = new Map<string, { pem: string; cert: string }>();
  private static dh?: string;

  constructor(private readonly dir: string, private readonly names: string[]) {}

  private make(): { pem: string; cert: string } {
    const key = this.names.join(',');
    const cached = CertificateMaterial.cache.get(key);
    if (cached) return cached;
    const work = fs.mkdtempSync(path.join(this.dir, 'openssl-'));
    try {
      const san = this.names.map((n) => `DNS:${n}`).join(',');
      const r = spawnSync('openssl', [
        'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
        '-days', '2', '-subj', `/CN=${this.names[0]}`, '-addext', `subjectAltName=${san}`,
        '-keyout', path.join(work, 'key.pem'), '-out', path.join(work, 'cert.pem'),
      ], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`openssl could not create a test certificate: ${r.stderr}${r.error ?? ''}`);
      const cert = fs.readFileSync(path.join(work, 'cert.pem'), 'utf8');
      const pem = cert + fs.readFileSync(path.join(work, 'key.pem'), 'utf8');
      const made = { pem, cert };
      CertificateMaterial.cache.set(key, made);
      return made;
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }

  /** Certificate and key in one PEM (what `crt` wants). */
  public pem(): string {
    return this.make().pem;
  }

  /** The certificate alone (as a CA file). */
  public certificate(): string {
    return this.make().cert;
  }

  /** ffdhe2048 parameters. */
  public dhParams(): string {
    if (CertificateMaterial.dh) return CertificateMaterial.dh;
    const r = spawnSync('openssl', ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl could not write DH parameters: ${r.stderr}`);
    CertificateMaterial.dh = r.stdout;
    return r.stdout;
  }
}
