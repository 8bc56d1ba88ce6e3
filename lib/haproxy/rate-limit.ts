import { IConstruct } from 'constructs';
import { Diagnostics } from '../core/diagnostics';
import { Duration } from '../net/duration';
import { RateLimitModel } from './model-routing';

/**
 * Limits per client address, kept in a stick table of the frontend (replicated to the other
 * members through `peers` when `Haproxy.enablePeers()` is on, so a failover does not reset
 * them). An HTTP frontend answers a client over a limit with 429 Too Many Requests; a TCP
 * frontend closes its new connections.
 *
 * Behind a balancer that sends the PROXY protocol (`acceptProxyFrom`), the limits apply to the
 * original clients, not to the balancer.
 */
export interface HaproxyRateLimitProps {
  /**
   * At most this many requests (HTTP) or new connections (TCP) per client address within
   * `period` (`http_req_rate` / `conn_rate`).
   * @default - no request rate limit
   */
  readonly requests?: number;
  /**
   * The period `requests` counts over.
   * @default Duration.seconds(10)
   */
  readonly period?: Duration;
  /**
   * At most this many concurrent connections per client address (`conn_cur`).
   * @default - no limit on concurrent connections
   */
  readonly concurrentConnections?: number;
  /**
   * The number of client addresses the table holds (the oldest are dropped when it is full).
   * @default 100000
   */
  readonly tableSize?: number;
  /**
   * How long a client's entry stays after its last request (at least `period`).
   * @default - three periods (30 seconds with the default period)
   */
  readonly expire?: Duration;
}

const MAX_MS = 2_147_483_647;

/** @internal Checks a rate limit at construction (reported on the frontend `scope`). */
export function checkRateLimit(scope: IConstruct, r: HaproxyRateLimitProps): void {
  const int = (what: string, n: unknown, min: number, max: number) => {
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)) {
      Diagnostics.error(scope, `rateLimit.${what} must be an integer from ${min} to ${max}`, { value: String(n), allowed: `${min}–${max}` });
    }
  };
  if (typeof r !== 'object' || r === null) {
    Diagnostics.error(scope, 'rateLimit must be an object', { value: String(r), allowed: '{ requests: 100, period: Duration.seconds(10) }' });
    return;
  }
  if (r.requests === undefined && r.concurrentConnections === undefined) {
    Diagnostics.error(scope, 'rateLimit limits nothing', { value: '{}', allowed: 'requests (per period) and/or concurrentConnections' });
  }
  int('requests', r.requests, 1, 1_000_000_000);
  int('concurrentConnections', r.concurrentConnections, 1, 1_000_000);
  int('tableSize', r.tableSize, 1, 100_000_000);
  const dur = (what: string, d: unknown, min: number): number | undefined => {
    if (d === undefined) return undefined;
    if (!(d instanceof Duration)) {
      Diagnostics.error(scope, `rateLimit.${what} must be a Duration`, { value: String(d), allowed: 'Duration.seconds(n) and friends' });
      return undefined;
    }
    const ms = d.toMilliseconds();
    if (ms < min || ms > MAX_MS) {
      Diagnostics.error(scope, `rateLimit.${what} must be from ${min / 1000}s to about 24.8 days`, { value: d.toString(), allowed: `${min / 1000}s to 2147483647ms` });
      return undefined;
    }
    return ms;
  };
  if (r.period !== undefined && r.requests === undefined) {
    Diagnostics.error(scope, 'rateLimit.period is set but requests is not: the period is what requests are counted over', { value: String(r.period), allowed: 'requests with it, or no period' });
  }
  const period = dur('period', r.period, 1000);
  const expire = dur('expire', r.expire, 1000);
  if (period !== undefined && expire !== undefined && expire < period) {
    Diagnostics.error(scope, 'rateLimit.expire is shorter than the period: entries would be dropped before their rate is known', { value: `${r.expire} < ${r.period}`, allowed: 'expire ≥ period' });
  }
  if (period !== undefined && r.expire === undefined && period * 3 > MAX_MS) {
    Diagnostics.error(scope, 'rateLimit.period is too long for the default expire (three periods)', { value: String(r.period), allowed: 'a shorter period, or an explicit expire' });
  }
}

/** @internal The model of a valid rate limit. */
export function rateLimitModel(r: HaproxyRateLimitProps, peers: string | undefined): RateLimitModel {
  const periodMs = (r.period ?? Duration.seconds(10)).toMilliseconds();
  return {
    size: r.tableSize ?? 100_000,
    expireMs: r.expire ? r.expire.toMilliseconds() : periodMs * 3,
    requests: r.requests,
    periodMs,
    concurrent: r.concurrentConnections,
    peers,
  };
}
