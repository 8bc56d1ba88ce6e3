import { App } from '../core/app';
import { SynthHost, Synthesis } from '../core/synthesis';
import { ValidationIssue } from '../core/errors';
import { InterfaceKind } from '../core/interface';
import { HaproxyConfView } from './parse-haproxy';
import { PfConfView } from './parse-pf';
import { PfGrammar } from './pf-grammar';
import { readShellVars, readSysctlConf } from './parse-rc-conf';
import { RcNetworkBoot, RcNetworkModel } from './rc-network';

/**
 * A file of a synthesized host, in memory.
 */
export interface SynthesizedFile {
  /** Absolute path on the host. */
  readonly path: string;
  /** The content. */
  readonly content: string;
  /** The mode. */
  readonly mode: number;
  /** Whether it carries a secret. */
  readonly secret: boolean;
  /** The construct path that produced it. */
  readonly producer: string;
}

/**
 * The result of `Testing.synth`: every host's files, in memory, with parsed views.
 */
export class SynthesizedApp {
  /** Warnings of validation. */
  public readonly warnings: ValidationIssue[];
  private readonly s: Synthesis;

  /** @internal */
  public static _of(s: Synthesis): SynthesizedApp {
    return new SynthesizedApp(s);
  }

  private constructor(s: Synthesis) {
    this.s = s;
    this.warnings = s.warnings;
  }

  /** The hostnames, sorted. */
  public get hostnames(): string[] {
    return this.s.hosts.map((h) => h.hostname);
  }

  /** The files of a host, sorted by path. */
  public files(hostname: string): SynthesizedFile[] {
    return this.host(hostname).files.map((f) => ({ path: f.path, content: f.content, mode: f.mode, secret: f.secret, producer: f.producer }));
  }

  /**
   * The content of one file of a host.
   * @throws Error when the host or the file does not exist
   */
  public file(hostname: string, path: string): string {
    const f = this.host(hostname).files.find((x) => x.path === path);
    if (!f) throw new Error(`Host ${hostname} has no file ${path}; it has: ${this.host(hostname).files.map((x) => x.path).join(', ')}`);
    return f.content;
  }

  /**
   * Whether a host has a file.
   */
  public hasFile(hostname: string, path: string): boolean {
    return this.host(hostname).files.some((x) => x.path === path);
  }

  /** The variables a host's /etc/rc.conf sets, read by sourcing it with /bin/sh. */
  public rcConf(hostname: string): Record<string, string> {
    return readShellVars(this.file(hostname, '/etc/rc.conf'));
  }

  /**
   * What FreeBSD's rc.d would do with a host's /etc/rc.conf at boot: the `ifconfig` and `route`
   * commands of rc.d/netif and rc.d/routing, in order (see `RcNetworkModel`). The kernel's own
   * interfaces are the host's physical ones (`addInterface`), in the order they were added.
   * @throws Error when the rc.conf uses something the model does not cover
   */
  public bootCommands(hostname: string): string[] {
    return this.networkBoot(hostname).commands;
  }

  /** Like `bootCommands`, with rc.d's warnings and the commands that would fail. */
  public networkBoot(hostname: string): RcNetworkBoot {
    const plan = this.s.plans?.plans.find((p) => p.hostname === hostname);
    if (!plan) throw new Error(`No plan of host ${hostname}; hosts are: ${this.hostnames.join(', ')}`);
    const kernel = plan.interfaces.filter((i) => i.kind === InterfaceKind.PHYSICAL).map((i) => i.name);
    return RcNetworkModel.boot(this.file(hostname, '/etc/rc.conf'), kernel);
  }

  /** The variables a host's /boot/loader.conf sets (read with /bin/sh). */
  public loaderConf(hostname: string): Record<string, string> {
    return readShellVars(this.file(hostname, '/boot/loader.conf'));
  }

  /** The OIDs a host's /etc/sysctl.conf sets, read as rc.d/sysctl reads them. */
  public sysctlConf(hostname: string): Record<string, string> {
    return readSysctlConf(this.file(hostname, '/etc/sysctl.conf'));
  }

  /**
   * A host's haproxy.conf, parsed into sections and directives.
   * @param path where the config is on the host
   * @default path '/usr/local/etc/haproxy.conf'
   */
  public haproxyConf(hostname: string, path?: string): HaproxyConfView {
    return HaproxyConfView.parse(this.file(hostname, path ?? '/usr/local/etc/haproxy.conf'));
  }

  /** A host's /etc/pf.conf, parsed into macros, tables, options and rules. */
  public pfConf(hostname: string): PfConfView {
    return PfConfView.parse(this.file(hostname, '/etc/pf.conf'));
  }

  /** App-level files (diagram, deploy), by path under the outdir. */
  public rootFile(path: string): string {
    const f = this.s.rootFiles.find((x) => x.path === path);
    if (!f) throw new Error(`No app-level file ${path}; there are: ${this.s.rootFiles.map((x) => x.path).join(', ')}`);
    return f.content;
  }

  /** The paths of app-level files. */
  public get rootFilePaths(): string[] {
    return this.s.rootFiles.map((f) => f.path);
  }

  private host(hostname: string): SynthHost {
    const h = this.s.hosts.find((x) => x.hostname === hostname);
    if (!h) throw new Error(`No host ${hostname}; hosts are: ${this.hostnames.join(', ')}`);
    return h;
  }
}

/**
 * Helpers for unit-testing topologies: synthesize in memory through the real pipeline
 * (validation included), without writing anything.
 */
export class Testing {
  /**
   * Validates and renders `app` in memory, then checks every host's /etc/pf.conf against
   * FreeBSD 14's pfctl grammar (PfGrammar), so that a test never passes on a firewall pfctl
   * would refuse to load.
   * @throws ValidationError when validation fails, as `app.synth()` would
   * @throws Error naming the host, the line and the token when a pf.conf would be rejected
   */
  public static synth(app: App): SynthesizedApp {
    const s = app._synthesize();
    const rejected: string[] = [];
    for (const h of s.hosts) {
      for (const f of h.files) {
        if (f.path !== '/etc/pf.conf') continue;
        const errors = PfGrammar.check(f.content);
        if (errors.length > 0) rejected.push(`${h.hostname}: ${PfGrammar.format(errors, f.path)}`);
      }
    }
    if (rejected.length > 0) throw new Error(`Testing.synth: a synthesized pf.conf does not pass FreeBSD 14's pfctl grammar:\n${rejected.join('\n')}`);
    return SynthesizedApp._of(s);
  }

  private constructor() {}
}
