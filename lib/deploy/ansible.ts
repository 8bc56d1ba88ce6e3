import { Construct } from 'constructs';
import { CarpCluster } from '../carp/carp-cluster';
import { App } from '../core/app';
import { AppFile, PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget, FreeBsdHost } from '../core/host';
import { HostPlan, keyValueFiles } from '../core/plan';
import { compareStrings } from '../core/private/compare';
import { generatedHeader } from '../core/private/header';
import { Haproxy } from '../haproxy/haproxy';
import { Duration } from '../net/duration';
import {
  DEFAULT_DEMOTION, DeployCluster, DeployDirectory, DeployFile, DeployHost, DeployMember, DeployModel, DeployService,
  validatorForPath,
} from './model';
import { renderInventory, renderPlaybook } from './render-ansible';
import { checkInit, constructId } from '../core/private/check-props';

/** How the admin user becomes root on the hosts. */
export enum BecomeMethod {
  /** doas(1) (`security/doas`), Ansible's `community.general.doas`. */
  DOAS = 'doas',
  /** sudo(8) (`security/sudo`). */
  SUDO = 'sudo',
}

/**
 * Properties of an Ansible deployment.
 */
export interface AnsibleDeploymentProps {
  /**
   * How the SSH user becomes root on the hosts.
   * @default BecomeMethod.DOAS
   */
  readonly become?: BecomeMethod;
  /**
   * Whether a changed rc.conf may restart networking (`service netif restart && service routing
   * restart`, detached) over the same SSH session. Off, the playbook says that interface changes
   * take effect at the next boot.
   * @default false
   */
  readonly allowNetworkRestart?: boolean;
  /**
   * The SSH user (`ansible_user`).
   * @default - Ansible's default (the local user name, or what ~/.ssh/config says)
   */
  readonly remoteUser?: string;
  /**
   * Amount added to `net.inet.carp.demotion` to move the VIPs off a MASTER before it is
   * updated, and subtracted after its services pass their checks (1–240).
   * @default 240
   */
  readonly demotion?: number;
  /**
   * How long to wait for another member to take the VIPs over before the rollout gives the
   * VIPs back and stops.
   * @default Duration.seconds(60)
   */
  readonly failoverTimeout?: Duration;
  /**
   * URLs each host running HAProxy must answer with 200 after a reload, fetched on the host
   * itself (e.g. `http://127.0.0.1:8405/healthz`).
   * @default - none (HAProxy's process and stats socket are checked)
   */
  readonly healthCheckUrls?: string[];
}

/**
 * Emits an Ansible inventory and playbook (`deploy/inventory.yml`, `deploy/site.yml` in the
 * output) that roll the synthesized files out to every host: one CARP member at a time, the
 * backups first and the preferred master last. A MASTER is demoted first so its VIPs move;
 * each file is validated on the host by the real tool before it replaces the live one; the
 * rollout stops at the first failure.
 *
 * Run it with `ansible-playbook -i dist/deploy/inventory.yml dist/deploy/site.yml`.
 *
 * @example
 * new AnsibleDeployment(app, 'Deploy', { become: BecomeMethod.DOAS });
 * // then: ansible-playbook -i dist/deploy/inventory.yml dist/deploy/site.yml
 */
export class AnsibleDeployment extends Construct {
  /** The privilege escalation method. */
  public readonly become: BecomeMethod;
  /** Whether networking may be restarted over SSH. */
  public readonly allowNetworkRestart: boolean;
  /** The demotion step. */
  public readonly demotion: number;
  private readonly props: AnsibleDeploymentProps;

  constructor(scope: Construct, id: string, props: AnsibleDeploymentProps = {}) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.AnsibleDeployment', props);
    this.props = props;
    this.become = props.become ?? BecomeMethod.DOAS;
    this.allowNetworkRestart = props.allowNetworkRestart ?? false;
    this.demotion = props.demotion ?? DEFAULT_DEMOTION;

    if (!Object.values(BecomeMethod).includes(this.become)) {
      Diagnostics.error(this, 'become is not a BecomeMethod', { value: String(this.become), allowed: 'BecomeMethod.DOAS or BecomeMethod.SUDO' });
    }
    if (!Number.isInteger(this.demotion) || this.demotion < 1 || this.demotion > 240) {
      Diagnostics.error(this, 'demotion must be an integer from 1 to 240 (the kernel caps the advertised skew at 240)', { value: String(this.demotion), allowed: '1–240' });
    }
    if (props.failoverTimeout !== undefined && props.failoverTimeout.toSeconds() < 2) {
      Diagnostics.error(this, 'failoverTimeout must be at least 2 seconds', { value: props.failoverTimeout.toString(), allowed: 'Duration.seconds(2) or more' });
    }
    if (props.remoteUser !== undefined && !/^[a-z_][a-z0-9_.-]{0,31}$/i.test(props.remoteUser)) {
      Diagnostics.error(this, 'remoteUser is not a valid user name', { value: String(props.remoteUser), allowed: 'letters, digits, _ . - (at most 32 characters)' });
    }
    for (const url of props.healthCheckUrls ?? []) {
      if (typeof url !== 'string' || !/^https?:\/\/[A-Za-z0-9.:[\]_-]+(?::[0-9]{1,5})?(?:\/[A-Za-z0-9._~\/?=&%-]*)?$/.test(url)) {
        Diagnostics.error(this, 'healthCheckUrls entry is not a plain http(s) URL', { value: String(url), allowed: 'e.g. http://127.0.0.1:8405/healthz' });
      }
    }

    if (!App.isApp(this.node.root)) {
      Diagnostics.error(this, 'AnsibleDeployment must be part of an App', { value: this.node.path, allowed: 'new AnsibleDeployment(app, ...)' });
    }
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** @internal The inventory and the playbook, from the finished plans. */
  public _appFiles(plans: PlanSet): AppFile[] {
    const model = this._model(plans);
    return [
      { path: 'deploy/inventory.yml', owner: this, render: () => renderInventory(model) },
      { path: 'deploy/site.yml', owner: this, render: () => renderPlaybook(model) },
    ];
  }

  /** @internal The deploy model of the whole app, from the finished plans. */
  public _model(plans: PlanSet): DeployModel {
    const app = this.node.root as App;
    const clusters = carpClusters(app);
    const haproxies = plans.constructs.filter(Haproxy.isHaproxy);
    const hostModel = (h: FreeBsdHost) => this.hostModel(h, plans, haproxies);
    const inCluster = new Set<FreeBsdHost>();
    const groupNames = new Set<string>();

    const deployClusters: DeployCluster[] = [];
    for (const cluster of clusters) {
      const members: DeployMember[] = [];
      for (const m of cluster.targetHosts) {
        if (inCluster.has(m)) continue; // reported by validation
        inCluster.add(m);
        members.push({ ...hostModel(m), carpInterface: cluster.interfaceName });
      }
      deployClusters.push({ name: uniqueGroupName(cluster.node.path, groupNames), members });
    }
    const standalone = app.hosts.filter((h) => !inCluster.has(h)).map(hostModel);
    return {
      header: generatedHeader(this.node.path),
      clusters: deployClusters,
      standalone,
      become: this.become === BecomeMethod.SUDO ? 'sudo' : 'doas',
      allowNetworkRestart: this.allowNetworkRestart,
      remoteUser: this.props.remoteUser,
      demotion: this.demotion,
      failoverTimeoutSeconds: Math.ceil((this.props.failoverTimeout ?? Duration.seconds(60)).toSeconds()),
    };
  }

  private hostModel(host: FreeBsdHost, plans: PlanSet, haproxies: Haproxy[]): DeployHost {
    const plan = plans.planOf(host)!;
    const mine = haproxies.filter((h) => h.hosts.includes(host));
    const haproxyConfigs = new Set(mine.map((h) => h.configPath));
    const files: DeployFile[] = planFiles(plan).map((f) => ({
      path: f.path,
      mode: f.mode,
      secret: f.secret,
      validator: haproxyConfigs.has(f.path) ? 'haproxy' : validatorForPath(f.path),
      jailHost: f.target === FileTarget.JAIL_HOST,
    }));
    const services: DeployService[] = [];
    if (files.some((f) => f.validator === 'haproxy')) services.push('haproxy');
    if (files.some((f) => f.validator === 'pf')) services.push('pf');
    const directories: DeployDirectory[] = [];
    let statsSocket: string | undefined;
    for (const h of mine) {
      const chroot = h.chroot;
      if (chroot) {
        // HAProxy refuses to start without its chroot; syslogd's extra socket for it
        // (altlog_proglist) lives in <chroot>/var/run.
        directories.push({ path: chroot, mode: 0o755 }, { path: `${chroot}/var/run`, mode: 0o755 });
      }
      statsSocket = statsSocket ?? h.statsSocketPath;
    }
    const hasHaproxy = services.includes('haproxy');
    return {
      hostname: host.hostname,
      managementAddress: host.managementAddress,
      vnetJail: host.vnetJail,
      files,
      services,
      packages: plan.packages,
      commands: plan.commands.beforeServices.length + plan.commands.afterServices.length > 0 ? plan.commands : undefined,
      haproxyStatsSocket: hasHaproxy ? statsSocket : undefined,
      httpChecks: hasHaproxy ? (this.props.healthCheckUrls ?? []).map((url) => ({ url, status: 200 })) : [],
      directories: dedupeDirectories(directories),
      restartOnRcConfChange: mine.some((h) => h.chroot) ? ['syslogd'] : [],
    };
  }

  private validateTree(r: IReporter): void {
    const app = this.node.root;
    if (!App.isApp(app)) return;
    const others = app.node.findAll().filter((c) => c instanceof AnsibleDeployment && c !== this);
    if (others.length > 0) {
      r.error('An app has one AnsibleDeployment; another one is at ' + others.map((o) => o.node.path).join(', '), { value: this.node.path, allowed: 'one AnsibleDeployment per App' });
    }
    const seen = new Map<FreeBsdHost, CarpCluster>();
    for (const cluster of carpClusters(app)) {
      for (const m of cluster.targetHosts) {
        const prev = seen.get(m);
        if (prev) {
          r.error(`Host ${m.hostname} is a member of ${prev.node.path} and ${cluster.node.path}: the rollout moves one cluster's VIPs at a time`, { value: m.hostname, allowed: 'each host in at most one CarpCluster' });
        } else {
          seen.set(m, cluster);
        }
      }
      if (cluster.targetHosts.length < 2) continue;
      if (!cluster.preempt) {
        r.warning(`${cluster.node.path} has preempt off: a demoted MASTER keeps its VIPs, so the rollout stops (without changing it) at the MASTER whenever it has changes`, { value: 'preempt: false', allowed: 'preempt: true' });
        continue;
      }
      // Demoting any member must let another one win: min(own skew + demotion, 240) > another's skew.
      for (const m of cluster.targetHosts) {
        const demoted = Math.min(cluster.advskewOf(m) + this.demotion, 240);
        if (!cluster.targetHosts.some((o) => o !== m && cluster.advskewOf(o) < demoted)) {
          r.warning(`Demoting ${m.hostname} by ${this.demotion} does not move ${cluster.node.path}'s VIPs: no other member has an advskew below ${demoted}; the rollout would stop at it`, { value: String(this.demotion), allowed: 'a larger demotion (up to 240) or lower backup advskews' });
        }
      }
    }
  }
}

/** Every file of a host's plan, the key/value files included (as the renderer writes them), sorted by path. */
function planFiles(plan: HostPlan): Array<{ path: string; mode: number; secret: boolean; target: FileTarget }> {
  return [...keyValueFiles(plan), ...plan.files].sort((a, b) => compareStrings(a.path, b.path));
}

function carpClusters(app: App): CarpCluster[] {
  return app.node.findAll().filter((c): c is CarpCluster => c instanceof CarpCluster);
}

/** An inventory group name from a construct path: letters, digits, underscores, unique. */
function uniqueGroupName(path: string, taken: Set<string>): string {
  let base = path.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  if (!/^[a-z_]/.test(base)) base = `cluster_${base}`;
  if (base === '' || base === 'all' || base === 'ungrouped' || base === 'standalone') base = `cluster_${base}`.replace(/_+$/, '');
  let name = base;
  for (let i = 2; taken.has(name); i++) name = `${base}_${i}`;
  taken.add(name);
  return name;
}

function dedupeDirectories(dirs: DeployDirectory[]): DeployDirectory[] {
  const byPath = new Map<string, DeployDirectory>();
  for (const d of dirs) if (!byPath.has(d.path)) byPath.set(d.path, d);
  return [...byPath.values()];
}
