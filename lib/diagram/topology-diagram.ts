import { Construct } from 'constructs';
import { AppFile, PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { topologyFiles, SPLIT_ABOVE } from './topology';
import { checkInit, constructId } from '../core/private/check-props';

/** Hosts above which the diagram is not drawn, unless `maxHosts` says otherwise. */
const MAX_HOSTS = 40;

/**
 * Properties of the topology diagram.
 */
export interface TopologyDiagramProps {
  /**
   * Above this many diagram groups (clusters and stand-alone hosts), one diagram per group is
   * drawn under `topology/`, with an `index.html`.
   * @default 10
   */
  readonly splitAbove?: number;
  /**
   * A title for the single diagram.
   * @default - none
   */
  readonly title?: string;
  /**
   * Above this many hosts the diagram is not drawn (a warning says so): drawing the SVG of a
   * fleet costs more than synthesizing it (about half the synth time at 200 hosts).
   * @default 40
   */
  readonly maxHosts?: number;
}

/**
 * The topology picture of the app: `topology.dot` and `topology.svg` in the output folder
 * (clusters, members, VIPs, HAProxy frontends and backends, the ports PF opens). Add it once,
 * under the App. Above `maxHosts` hosts (40 by default) it is left out, with a warning. `npx synth --no-diagram` (or CDKBSD_NO_DIAGRAM=1) skips it for one run.
 *
 * @example
 * new TopologyDiagram(app, 'Topology');
 */
export class TopologyDiagram extends Construct {
  private readonly props: TopologyDiagramProps;

  constructor(scope: Construct, id: string, props: TopologyDiagramProps = {}) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.TopologyDiagram', props);
    this.props = props;
    if (props.splitAbove !== undefined && (!Number.isInteger(props.splitAbove) || props.splitAbove < 1)) {
      Diagnostics.error(this, 'splitAbove must be a positive integer', { value: String(props.splitAbove), allowed: `an integer of 1 or more (default ${SPLIT_ABOVE})` });
    }
    if (props.maxHosts !== undefined && (!Number.isInteger(props.maxHosts) || props.maxHosts < 1)) {
      Diagnostics.error(this, 'maxHosts must be a positive integer', { value: String(props.maxHosts), allowed: `an integer of 1 or more (default ${MAX_HOSTS})` });
    }
  }

  /** @internal Above `maxHosts`, a warning that the diagram is left out. */
  public _checkPlans(plans: PlanSet, report: IReporter): void {
    const max = this.props.maxHosts ?? MAX_HOSTS;
    if (plans.plans.length > max) {
      report.warning(`The topology diagram is not drawn: the app has ${plans.plans.length} hosts, more than maxHosts`, { value: String(plans.plans.length), allowed: `at most ${max} hosts, or a larger maxHosts` });
    }
  }

  /** @internal The diagram files, drawn from the finished plans. */
  public _appFiles(plans: PlanSet): AppFile[] {
    if (process.env.CDKBSD_NO_DIAGRAM === '1' || plans.plans.length > (this.props.maxHosts ?? MAX_HOSTS)) return [];
    return topologyFiles(this.node.root, { splitAbove: this.props.splitAbove, title: this.props.title }, plans);
  }
}
