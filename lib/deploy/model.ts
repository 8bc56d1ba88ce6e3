/**
 * The deploy model: a plain description of what the rollout must do, built by
 * `AnsibleDeployment` from the construct tree and rendered by `render-ansible.ts`.
 * Internal (not exported from lib/index.ts), so ordinary TypeScript types are fine here.
 */

/** How the target checks a file before it replaces the live one. */
export type DeployValidator = 'haproxy' | 'pf' | 'rc.conf' | 'sysctl' | 'loader' | 'devd' | 'shell' | 'plain';

/** A service a host runs: installed, started, reloaded on change and health-checked. */
export type DeployService = 'haproxy' | 'pf';

/** Privilege escalation on the targets. */
export type DeployBecome = 'doas' | 'sudo';

/** One file a host receives. */
export interface DeployFile {
  /** Absolute path on the host, e.g. `/etc/rc.conf`; the source is `dist/<hostname><path>`. */
  readonly path: string;
  /** File mode, e.g. 0o644. */
  readonly mode: number;
  /** Whether the content carries a secret (the tasks handling it log nothing and show no diff). */
  readonly secret: boolean;
  /** Which check the target runs on the new file before it goes live. */
  readonly validator: DeployValidator;
  /**
   * Meant for a VNET jail's host (loader.conf, devd), not the jail: the play skips it with a
   * message. Undefined means false.
   */
  readonly jailHost?: boolean;
}

/** An HTTP check run on the host after its services were reloaded. */
export interface DeployHttpCheck {
  /** URL fetched from the host itself, e.g. `http://127.0.0.1:8404/healthz`. */
  readonly url: string;
  /** Expected status code. */
  readonly status: number;
}

/** One host the rollout updates. */
export interface DeployHost {
  /** FQDN, the inventory name and the folder name under dist/. */
  readonly hostname: string;
  /** Address Ansible connects to (`ansible_host`). */
  readonly managementAddress: string;
  /** A VNET jail: kernel modules (carp) belong to the jail's host. */
  readonly vnetJail: boolean;
  /** Files in the order they are installed. */
  readonly files: readonly DeployFile[];
  /** Services to install/start/reload and check. */
  readonly services: readonly DeployService[];
  /** Packages installed with pkg before the files. */
  readonly packages: readonly string[];
  /**
   * Commands run on the host: `beforeServices` after the files are installed and before the
   * services start. `afterServices` once they run (a failure is shown, not fatal).
   */
  readonly commands?: { readonly beforeServices: readonly string[]; readonly afterServices: readonly string[] };
  /** HAProxy stats socket that must exist after a reload. */
  readonly haproxyStatsSocket?: string;
  /** Extra HTTP checks after the reload. */
  readonly httpChecks?: readonly DeployHttpCheck[];
  /** Directories that must exist (root:wheel), e.g. HAProxy's chroot; created before the files. */
  readonly directories?: readonly DeployDirectory[];
  /**
   * rc.d services restarted when rc.conf changes, because they read their rc.conf variables
   * only at start (e.g. `syslogd` for `altlog_proglist`). Never networking.
   */
  readonly restartOnRcConfChange?: readonly string[];
}

/** A directory a host needs. */
export interface DeployDirectory {
  /** Absolute path. */
  readonly path: string;
  /** Mode, e.g. 0o755. */
  readonly mode: number;
}

/** A cluster member: a host plus the interface carrying its CARP vhids. */
export interface DeployMember extends DeployHost {
  /** Interface whose `ifconfig` output shows the vhids' states. */
  readonly carpInterface: string;
}

/** A CARP cluster, rolled out one member at a time. */
export interface DeployCluster {
  /** Inventory group name (letters, digits, underscores). */
  readonly name: string;
  /** Members in preference order: the first is the preferred master. */
  readonly members: readonly DeployMember[];
}

/** Everything the playbook and inventory are rendered from. */
export interface DeployModel {
  /** The generated-file header line, a `#` comment. */
  readonly header: string;
  readonly clusters: readonly DeployCluster[];
  /** Hosts in no cluster, rolled out after the clusters, one at a time. */
  readonly standalone: readonly DeployHost[];
  readonly become: DeployBecome;
  /** Whether a changed rc.conf may restart networking (`service netif restart`) over SSH. */
  readonly allowNetworkRestart: boolean;
  /** SSH user (`ansible_user`). Undefined leaves Ansible's default. */
  readonly remoteUser?: string;
  /** Amount added to `net.inet.carp.demotion` to move the VIPs off a master (1–240). */
  readonly demotion: number;
  /** How long to wait for the VIPs to move, in seconds. */
  readonly failoverTimeoutSeconds: number;
}

/** Default demotion: the kernel caps the advertised skew at 240, so 240 always demotes fully. */
export const DEFAULT_DEMOTION = 240;
/** Default wait for the VIPs to move away from a demoted master. */
export const DEFAULT_FAILOVER_TIMEOUT_SECONDS = 60;

/** The command (with `%s` for the temporary file) that validates a file on FreeBSD, if any. */
export function validateCommand(validator: DeployValidator): string | undefined {
  switch (validator) {
    case 'haproxy': return '/usr/local/sbin/haproxy -c -f %s';
    case 'pf': return '/sbin/pfctl -nf %s';
    case 'rc.conf':
    case 'loader':
    case 'shell':
      return '/bin/sh -n %s';
    case 'sysctl':
      // sh -n accepts any oid=value line: check what rc.d/sysctl reads (oid=value, # comments).
      return "/usr/bin/awk '!/^[[:space:]]*(#|$)/ && !/^[A-Za-z0-9_.%-]+=[^[:space:]#]+[[:space:]]*(#.*)?$/ { bad = 1 } END { exit bad }' %s";
    case 'devd':
    case 'plain':
      return undefined;
  }
}

/** Picks the validator for a host path (the files cdkbsd's constructs emit). */
export function validatorForPath(path: string): DeployValidator {
  if (path === '/usr/local/etc/haproxy.conf' || /^\/usr\/local\/etc\/haproxy[^/]*\.conf$/.test(path)) return 'haproxy';
  if (path === '/etc/pf.conf') return 'pf';
  if (path === '/etc/rc.conf' || path === '/etc/rc.conf.local' || path.startsWith('/etc/rc.conf.d/')) return 'rc.conf';
  if (path === '/etc/sysctl.conf' || path === '/etc/sysctl.conf.local') return 'sysctl';
  if (path === '/boot/loader.conf' || path === '/boot/loader.conf.local' || path.startsWith('/boot/loader.conf.d/')) return 'loader';
  if (path.startsWith('/etc/devd/') || path.startsWith('/usr/local/etc/devd/')) return 'devd';
  if (path.startsWith('/usr/local/etc/rc.d/') || path.startsWith('/usr/local/libexec/cdkbsd/')) return 'shell';
  return 'plain';
}
