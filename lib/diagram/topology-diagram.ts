import { Construct } from 'constructs';
import { AppFile, PlanSet } from '../core/contribution';
import { Diagnostics } from '../core/diagnostics';
import { topologyFiles, SPLIT_ABOVE } from './topology';

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
}

/**
 * The topology picture of the app: `topology.dot` and `topology.svg` in the output folder
 * (clusters, members, VIPs, HAProxy frontends and backends, the ports PF opens). Add it once,
 * under the App. `npx synth --no-diagram` (or CDKBSD_NO_DIAGRAM=1) skips it for one run.
 *
 * @example
 * new TopologyDiagram(app, 'Topology');
 */
export class TopologyDiagram extends Construct {
  private readonly props: TopologyDiagramProps;

  constructor(scope: Construct, id: string, props: TopologyDiagramProps = {}) {
    super(scope, id);
    this.props = props;
    if (props.splitAbove !== undefined && (!Number.isInteger(props.splitAbove) || props.splitAbove < 1)) {
      Diagnostics.error(this, 'splitAbove must be a positive integer', { value: String(props.splitAbove), allowed: `an integer of 1 or more (default ${SPLIT_ABOVE})` });
    }
  }

  /** @internal The diagram files, drawn from the finished plans. */
  public _appFiles(plans: PlanSet): AppFile[] {
    if (process.env.CDKBSD_NO_DIAGRAM === '1') return [];
    return topologyFiles(this.node.root, { splitAbove: this.props.splitAbove, title: this.props.title }, plans);
  }
}
