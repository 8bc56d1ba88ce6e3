import { Duration } from '../net/duration';
import { HealthCheckModel } from './model';

/** Timing of a health check. */
export interface HealthCheckOptions {
  /**
   * Time between two checks of a server (`inter`).
   * @default Duration.seconds(2)
   */
  readonly interval?: Duration;
  /**
   * Consecutive successes that bring a server back (`rise`).
   * @default 2
   */
  readonly rise?: number;
  /**
   * Consecutive failures that take a server out (`fall`).
   * @default 3
   */
  readonly fall?: number;
}

/** Options of an HTTP health check. */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /**
   * The status a healthy server answers with.
   * @default 200
   */
  readonly expectStatus?: number;
  /**
   * The Host header sent with the check (virtual-hosted servers need it).
   * @default - none (HAProxy sends no Host header)
   */
  readonly host?: string;
  /**
   * The HTTP method.
   * @default 'GET'
   */
  readonly method?: string;
}

/**
 * How a backend checks its servers: an HTTP request with an expected status, or a TCP connect.
 */
export class HealthCheck {
  /**
   * An HTTP check: `option httpchk`, `http-check send meth GET uri <path> ver HTTP/1.1`,
   * `http-check expect status <n>` (HAProxy 2.2+ syntax).
   * @param path the request path, e.g. `/healthz`
   */
  public static http(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('http', path, options, options);
  }

  /** A TCP check: the server is healthy when it accepts a connection. */
  public static tcp(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck('tcp', undefined, options, {});
  }

  /** `http` or `tcp`. */
  public readonly kind: string;
  /** The HTTP path (HTTP checks only). */
  public readonly path?: string;
  private readonly timing: HealthCheckOptions;
  private readonly http: HttpHealthCheckOptions;

  private constructor(kind: string, path: string | undefined, timing: HealthCheckOptions, http: HttpHealthCheckOptions) {
    this.kind = kind;
    this.path = path;
    this.timing = timing;
    this.http = http;
  }

  /** @internal Problems with the check's values (messages with the value and what is allowed). */
  public _problems(): Array<{ message: string; value: string; allowed: string }> {
    const out: Array<{ message: string; value: string; allowed: string }> = [];
    const int = (what: string, n: unknown, min: number, max: number) => {
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)) {
        out.push({ message: `Health check ${what} must be an integer from ${min} to ${max}`, value: String(n), allowed: `${min}–${max}` });
      }
    };
    int('rise', this.timing.rise, 1, 1000);
    int('fall', this.timing.fall, 1, 1000);
    int('expectStatus', this.http.expectStatus, 100, 599);
    if (this.timing.interval !== undefined && this.timing.interval.toMilliseconds() > 2_147_483_647) {
      out.push({ message: 'Health check interval exceeds HAProxy\'s timer limit', value: this.timing.interval.toString(), allowed: 'at most 2147483647ms (about 24.8 days)' });
    }
    if (this.timing.interval !== undefined && this.timing.interval.toMilliseconds() < 100) {
      out.push({ message: 'Health check interval is too short', value: this.timing.interval.toString(), allowed: 'at least 100ms' });
    }
    if (this.kind === 'http') {
      if (typeof this.path !== 'string' || !/^\/[A-Za-z0-9._~!&'()*+,;=:@%\/?-]*$/.test(this.path) || /'/.test(this.path)) {
        out.push({ message: 'Health check path must be an absolute URL path', value: String(this.path), allowed: 'a path starting with /, without blanks or quotes, e.g. /healthz' });
      }
      if (this.http.method !== undefined && !/^[A-Z]{1,16}$/.test(this.http.method)) {
        out.push({ message: 'Health check method is not valid', value: String(this.http.method), allowed: 'an upper-case HTTP method such as GET, HEAD, OPTIONS' });
      }
      if (this.http.host !== undefined && !/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(this.http.host)) {
        out.push({ message: 'Health check host is not valid', value: String(this.http.host), allowed: 'a host name such as app.example.net' });
      }
    }
    return out;
  }

  /** @internal */
  public _model(): HealthCheckModel {
    return {
      kind: this.kind === 'http' ? 'http' : 'tcp',
      method: this.kind === 'http' ? this.http.method ?? 'GET' : undefined,
      path: this.path,
      host: this.http.host,
      expectStatus: this.kind === 'http' ? this.http.expectStatus ?? 200 : undefined,
      interMs: (this.timing.interval ?? Duration.seconds(2)).toMilliseconds(),
      rise: this.timing.rise ?? 2,
      fall: this.timing.fall ?? 3,
    };
  }
}
