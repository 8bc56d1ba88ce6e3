import { IConstruct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { FreeBsdHost } from '../core/host';
import { IpAddress } from '../net/address';
import { StatsAddress } from './haproxy-props';
import { MetricsModel } from './model-routing';
import { isPort } from './private/names';

/**
 * HAProxy's built-in Prometheus exporter (`http-request use-service prometheus-exporter`) on a
 * port of its own beside the stats page: every frontend, backend and server with its counters,
 * for Prometheus to scrape. The firewall opens it only to its management allow-list, as the
 * stats page.
 *
 * The exporter is compiled into Debian's and FreeBSD's packages (check with
 * `haproxy -vv | grep -i prometheus`: "Built with the Prometheus exporter as a service").
 */
export interface HaproxyMetricsProps {
  /**
   * The port.
   * @default 8405
   */
  readonly port?: number;
  /**
   * Where it listens on each host.
   * @default StatsAddress.MANAGEMENT
   */
  readonly address?: StatsAddress;
  /**
   * The URL path Prometheus scrapes (other paths get 404).
   * @default '/metrics'
   */
  readonly path?: string;
}

/** @internal The section name (a frontend, unique among the proxies). */
export const METRICS_NAME = 'prometheus';

/** @internal Checks the props at construction (reported on the Haproxy `scope`). */
export function checkMetrics(scope: IConstruct, props: HaproxyMetricsProps): void {
  if (props.port !== undefined && !isPort(props.port)) {
    Diagnostics.error(scope, 'Metrics port must be an integer from 1 to 65535', { value: String(props.port), allowed: '1–65535' });
  }
  if (props.address !== undefined && !Object.values(StatsAddress).includes(props.address)) {
    Diagnostics.error(scope, 'Metrics address is not known', { value: String(props.address), allowed: Object.values(StatsAddress).join(', ') });
  }
  if (props.path !== undefined && (typeof props.path !== 'string' || !/^\/[A-Za-z0-9._~\/-]{0,255}$/.test(props.path))) {
    Diagnostics.error(scope, 'Metrics path must be a plain absolute path', { value: String(props.path), allowed: 'e.g. /metrics' });
  }
}

/** @internal The address the exporter listens on, on `host`. */
export function metricsAddress(props: HaproxyMetricsProps, host: FreeBsdHost): IpAddress | undefined {
  if (props.address === StatsAddress.LOOPBACK) return IpAddress.parse('127.0.0.1');
  return IpAddress._tryParse(host.managementAddress);
}

/** @internal The port (also when it listens on loopback). */
export function metricsPort(props: HaproxyMetricsProps): number {
  return props.port ?? 8405;
}

/** @internal */
export function metricsModel(props: HaproxyMetricsProps, host: FreeBsdHost): MetricsModel {
  const a = metricsAddress(props, host);
  return {
    name: METRICS_NAME,
    binds: a ? [{ address: a.text, ipv6: !a.isIpv4, port: metricsPort(props) }] : [],
    path: props.path ?? '/metrics',
  };
}
