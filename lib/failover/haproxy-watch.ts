import { Construct } from 'constructs';
import { CarpCluster } from '../carp/carp-cluster';
import { HostContribution } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget } from '../core/host';
import { Haproxy } from '../haproxy/haproxy';
import { Duration } from '../net/duration';
import {
  WATCHER_FILE_MODE, WATCHER_RC_SCRIPT_PATH, WATCHER_SCRIPT_PATH,
  renderWatcherRcScript, renderWatcherScript, watcherOptionProblems, watcherRcConf,
} from './render-watcher';
import { checkInit, constructId } from '../core/private/check-props';

/**
 * Properties of a HAProxy watch.
 */
export interface HaproxyWatchProps {
  /** The CARP cluster whose members are demoted while their HAProxy is down. */
  readonly cluster: CarpCluster;
  /** The HAProxy that runs on the cluster and is watched. */
  readonly haproxy: Haproxy;
  /**
   * Time between two checks (whole seconds).
   * @default Duration.seconds(2)
   */
  readonly interval?: Duration;
  /**
   * Consecutive failed checks before demoting.
   * @default 3
   */
  readonly fall?: number;
  /**
   * Consecutive good checks before the demotion is removed.
   * @default 5
   */
  readonly rise?: number;
  /**
   * Amount added to `net.inet.carp.demotion` while HAProxy is down (1–240). 240 moves the VIPs
   * to any backup below the 240 cap.
   * @default 240
   */
  readonly demotion?: number;
}

/**
 * Service-aware failover: a watcher on every member of a CARP cluster checks its HAProxy (the
 * process and the admin stats socket) and raises `net.inet.carp.demotion` while HAProxy is down,
 * so the VIPs move to a member whose proxy works. It lowers the demotion again when HAProxy
 * recovers. Runs under daemon(8) as the rc.d service `cdkbsd_carpwatch`. Requires preempt.
 *
 * It joins two domains on purpose (CARP knows no service, HAProxy no CARP), so it lives in
 * lib/failover and takes both by reference.
 *
 * @example
 * new HaproxyWatch(app, 'Watch', { cluster, haproxy, interval: Duration.seconds(2), fall: 3, rise: 5 });
 */
export class HaproxyWatch extends Construct {
  /** The cluster whose members are demoted. */
  public readonly cluster: CarpCluster;
  /** The watched HAProxy. */
  public readonly haproxy: Haproxy;
  private readonly props: HaproxyWatchProps;

  constructor(scope: Construct, id: string, props: HaproxyWatchProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.HaproxyWatch', props);
    this.props = props;
    this.cluster = props.cluster;
    this.haproxy = props.haproxy;
    if (!(props.cluster instanceof CarpCluster)) {
      Diagnostics.error(this, 'cluster must be a CarpCluster', { value: String(props.cluster), allowed: 'a CarpCluster' });
    }
    if (!(props.haproxy instanceof Haproxy)) {
      Diagnostics.error(this, 'haproxy must be a Haproxy', { value: String(props.haproxy), allowed: 'a Haproxy running on the cluster' });
    }
    if (props.interval !== undefined && !(props.interval instanceof Duration)) {
      Diagnostics.error(this, 'interval must be a Duration', { value: String(props.interval), allowed: 'Duration.seconds(n)' });
    } else {
      for (const p of watcherOptionProblems(this.options())) {
        const msg = p.field === 'interval' ? 'interval must be whole seconds from 1 to 3600' : p.message;
        Diagnostics.error(this, msg, { value: p.field === 'interval' ? `${p.value}s` : p.value, allowed: p.allowed });
      }
    }
    if (props.fall === 1) {
      Diagnostics.warning(this, 'fall 1 demotes on a single failed check; a reload (haproxy -sf) can fail one check', { value: '1', allowed: '2 or more' });
    }
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** @internal The watcher script, its rc.d script and `cdkbsd_carpwatch_enable` on every member. */
  public _contribute(): HostContribution[] {
    if (!(this.cluster instanceof CarpCluster) || !(this.haproxy instanceof Haproxy)) return [];
    const opts = this.options();
    const rc = { producerPath: this.node.path };
    return this.cluster.targetHosts.map((host) => ({
      host,
      owner: this,
      rcConf: Object.entries(watcherRcConf()).map(([key, value]) => ({ key, value })),
      files: [
        { path: WATCHER_SCRIPT_PATH, mode: WATCHER_FILE_MODE, secret: false, target: FileTarget.HOST, owner: this, model: opts, render: () => renderWatcherScript(opts) },
        { path: WATCHER_RC_SCRIPT_PATH, mode: WATCHER_FILE_MODE, secret: false, target: FileTarget.HOST, owner: this, model: rc, render: () => renderWatcherRcScript(rc) },
      ],
      services: ['cdkbsd_carpwatch'],
    }));
  }

  private options() {
    const p = this.props;
    return {
      producerPath: this.node.path,
      interval: p.interval instanceof Duration ? p.interval.toSeconds() : undefined,
      fall: p.fall,
      rise: p.rise,
      demotion: p.demotion,
      statsSocket: this.haproxy instanceof Haproxy ? this.haproxy.statsSocketPath : undefined,
    };
  }

  private validateTree(r: IReporter): void {
    if (!(this.cluster instanceof CarpCluster) || !(this.haproxy instanceof Haproxy)) return;
    if (!this.cluster.preempt) {
      r.error(`The watch needs preempt on ${this.cluster.node.path}: without it a demoted master keeps its VIPs`, { value: 'preempt: false', allowed: 'preempt: true (the default)' });
    }
    const runsOn = new Set(this.haproxy.hosts);
    const missing = this.cluster.targetHosts.filter((h) => !runsOn.has(h));
    if (missing.length > 0) {
      r.error(`${this.haproxy.node.path} does not run on every member of ${this.cluster.node.path}: the watcher would demote a member for a proxy it never had`, {
        value: missing.map((h) => h.hostname).join(', '), allowed: 'a Haproxy whose target is the cluster (new Haproxy(scope, id, { target: cluster }))',
      });
    }
  }
}
