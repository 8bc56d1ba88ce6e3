import { Duration } from '../net/duration';
import { HealthCheckModel } from './model';
import { DOMAIN, isPort } from './private/names';
import { optionProblems } from '../core/private/check-props';

/**
 * An auxiliary agent check (`agent-check`): HAProxy connects to a small agent on each server,
 * which answers a line such as `up`, `down`, `drain`, `maint` or a weight like `75%`. It runs
 * beside the regular check: the agent can take a server out or change its weight, while
 * reachability stays the regular check's job (an unreachable agent changes nothing).
 */
export interface AgentCheckOptions {
  /** The agent's TCP port on each server (`agent-port`), 1–65535. */
  readonly port: number;
  /**
   * Time between two agent checks (`agent-inter`).
   * @default - the check's interval
   */
  readonly interval?: Duration;
  /**
   * A line sent to the agent once connected (`agent-send`), e.g. the backend's name; a newline
   * is added. Printable ASCII, at most 256 characters.
   * @default - nothing is sent
   */
  readonly send?: string;
}

/** Timing of a health check, and an optional agent check beside it. */
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
  /**
   * An agent check beside the regular check (`agent-check agent-port … agent-inter …`).
   * @default - no agent check
   */
  readonly agent?: AgentCheckOptions;
}

/** Options of an HTTP health check. */
export interface HttpHealthCheckOptions extends HealthCheckOptions {
  /**
   * What a healthy server answers. Give this or `expectStatus`, not both.
   * @default - `HttpCheckExpect.statusRange(200, 399)` (what HAProxy itself counts as healthy)
   */
  readonly expect?: HttpCheckExpect;
  /**
   * The one status a healthy server answers with (the same as
   * `expect: HttpCheckExpect.status(n)`).
   * @default - any status from 200 to 399 (see `expect`)
   */
  readonly expectStatus?: number;
  /**
   * The Host header of the check (`hdr Host …`), as the server's virtual host expects it.
   * @default - the first exact domain of the first route to the backend; without one (a
   * backend reached only as a default backend or by wildcard routes), the check is sent as
   * HTTP/1.0 without Host, which HTTP servers accept (HTTP/1.1 without Host gets 400 from
   * nginx, Apache and Go).
   */
  readonly host?: string;
  /**
   * The HTTP method.
   * @default 'GET'
   */
  readonly method?: string;
}

/** Options of an SMTP health check. */
export interface SmtpHealthCheckOptions extends HealthCheckOptions {
  /**
   * The name HAProxy greets the server with (`EHLO <domain>`), for servers that refuse
   * `HELO localhost`.
   * @default - `HELO localhost`
   */
  readonly domain?: string;
}

export { HttpCheckExpect, TcpCheckStep } from './check-expect';
import { HttpCheckExpect, PRINTABLE, Problem, TcpCheckStep } from './check-expect';

type Kind = 'http' | 'tcp' | 'smtp' | 'tcp-check' | 'pgsql' | 'mysql';

interface CheckSpec {
  readonly kind: Kind;
  readonly path?: string;
  readonly user?: string;
  readonly steps?: TcpCheckStep[];
}

/** The steps of the IMAP preset: greeting, then a polite LOGOUT. */
const IMAP_STEPS = [TcpCheckStep.expectString('* OK'), TcpCheckStep.sendLine('a1 LOGOUT'), TcpCheckStep.expectString('* BYE')];
/** The steps of the Redis preset: PING answered (`-NOAUTH` too: the server is up and asks for a password), then QUIT. */
const REDIS_STEPS = [TcpCheckStep.sendLine('PING'), TcpCheckStep.expectRegex('^(\\+PONG|-NOAUTH)'), TcpCheckStep.sendLine('QUIT'), TcpCheckStep.expectString('+OK')];

/**
 * How a backend checks its servers: an HTTP request, a TCP connect, or a short dialogue in the
 * server's own protocol (SMTP, IMAP, Redis, PostgreSQL, MySQL, or any send/expect sequence).
 *
 * Any of them can have an agent check beside it. A server that fails `fall` checks in a row is
 * taken out until it passes `rise` in a row. Every form renders in syntax that HAProxy 2.6
 * through 3.4 accept.
 */
export class HealthCheck {
  /**
   * An HTTP check: `option httpchk`, `http-check send meth GET uri <path> ver HTTP/1.1 hdr Host
   * <host>`, `http-check expect status 200-399` (HAProxy 2.2+ syntax). The Host is `host`, or
   * else the domain of the first route to the backend; with neither, the request is HTTP/1.0
   * without Host (never HTTP/1.1 without Host, which HTTP/1.1 servers answer with 400).
   * @param path the request path, e.g. `/healthz`
   */
  public static http(path: string, options: HttpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'http', path }, options);
  }

  /** A TCP check: the server is healthy when it accepts a connection. */
  public static tcp(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'tcp' }, options);
  }

  /**
   * An SMTP check (`option smtpchk`): the server's greeting is 2xx, HAProxy says `HELO
   * localhost` (or `EHLO <domain>`), expects 2xx and says `QUIT`.
   */
  public static smtp(options: SmtpHealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'smtp' }, options);
  }

  /**
   * An IMAP check: the greeting starts `* OK`, then `a1 LOGOUT` is answered with `* BYE`.
   * Over TLS (IMAPS) when the servers speak TLS.
   */
  public static imap(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'tcp-check', steps: IMAP_STEPS }, options);
  }

  /**
   * A Redis check: `PING` is answered with `+PONG` (or `-NOAUTH`, from a server that is up
   * but wants a password), then `QUIT`. It does not tell a primary from a replica: for that,
   * use `tcpSendExpect` with `INFO replication` and `role:master`.
   */
  public static redis(options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'tcp-check', steps: REDIS_STEPS }, options);
  }

  /**
   * A PostgreSQL check (`option pgsql-check user <user>`): HAProxy sends a startup message for
   * `user` and expects the server to ask for authentication (or let it in). It never logs in:
   * the user needs a pg_hba.conf entry for the HAProxy hosts, with any method.
   * @param user the role name in the startup message
   */
  public static postgres(user: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'pgsql', user }, options);
  }

  /**
   * A MySQL/MariaDB check (`option mysql-check user <user> post-41`): HAProxy logs in as
   * `user` without a password and quits. The user must exist with an empty password and, on
   * MySQL 8.0–8.3, `IDENTIFIED WITH mysql_native_password`; MySQL 8.4+ disables that plugin,
   * and every failed check counts towards `max_connect_errors` (the server then blocks the
   * HAProxy host), so there use an agent check or an HTTP status endpoint instead.
   * @param user the user HAProxy logs in as
   */
  public static mysql(user: string, options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'mysql', user }, options);
  }

  /**
   * A generic TCP dialogue (`option tcp-check` with `tcp-check send` / `expect string` /
   * `expect rstring`), step by step, e.g. for a banner protocol
   * `[TcpCheckStep.expectString('220 '), TcpCheckStep.sendLine('QUIT')]`.
   * @param steps 1–32 steps, in order
   */
  public static tcpSendExpect(steps: TcpCheckStep[], options: HealthCheckOptions = {}): HealthCheck {
    return new HealthCheck({ kind: 'tcp-check', steps: Array.isArray(steps) ? [...steps] : (steps as any) }, options);
  }

  /** `http`, `tcp`, `smtp`, `tcp-check`, `pgsql` or `mysql`. */
  public readonly kind: string;
  /** The HTTP path (HTTP checks only). */
  public readonly path?: string;
  private readonly spec: CheckSpec;
  private readonly options: HttpHealthCheckOptions & SmtpHealthCheckOptions;

  private constructor(spec: CheckSpec, options: HealthCheckOptions) {
    this.spec = spec;
    this.kind = spec.kind;
    this.path = spec.path;
    this.options = options ?? {};
  }

  /** @internal Problems with the check's values (messages with the value and what is allowed). */
  public _problems(): Problem[] {
    const out: Problem[] = [];
    const o = this.options;
    const int = (what: string, n: unknown, min: number, max: number) => {
      if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max)) {
        out.push({ message: `Health check ${what} must be an integer from ${min} to ${max}`, value: String(n), allowed: `${min}–${max}` });
      }
    };
    const interval = (what: string, d: unknown) => {
      if (d === undefined) return;
      if (!(d instanceof Duration)) {
        out.push({ message: `Health check ${what} must be a Duration`, value: String(d), allowed: 'e.g. Duration.seconds(2)' });
      } else if (d.toMilliseconds() > 2_147_483_647) {
        out.push({ message: `Health check ${what} exceeds HAProxy's timer limit`, value: d.toString(), allowed: 'at most 2147483647ms (about 24.8 days)' });
      } else if (d.toMilliseconds() < 100) {
        out.push({ message: `Health check ${what} is too short`, value: d.toString(), allowed: 'at least 100ms' });
      }
    };
    int('rise', o.rise, 1, 1000);
    int('fall', o.fall, 1, 1000);
    interval('interval', o.interval);
    if (o.agent !== undefined) {
      if (!isPort(o.agent?.port)) out.push({ message: 'Health check agent port must be an integer from 1 to 65535', value: String(o.agent?.port), allowed: '1–65535' });
      interval('agent interval', o.agent?.interval);
      if (o.agent?.send !== undefined && (typeof o.agent.send !== 'string' || o.agent.send.length > 256 || !PRINTABLE.test(o.agent.send))) {
        out.push({ message: 'Health check agent send text is not valid', value: JSON.stringify(String(o.agent.send)), allowed: 'printable ASCII without newlines or control characters, 1–256 characters' });
      }
    }
    switch (this.spec.kind) {
      case 'http': out.push(...this.httpProblems()); break;
      case 'smtp':
        if (o.domain !== undefined && (typeof o.domain !== 'string' || !DOMAIN.test(o.domain.toLowerCase()) || o.domain.startsWith('*'))) {
          out.push({ message: 'Health check SMTP domain is not a host name', value: String(o.domain), allowed: 'a host name such as mx1.example.net' });
        }
        break;
      case 'pgsql':
      case 'mysql':
        if (typeof this.spec.user !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,62}$/.test(this.spec.user)) {
          out.push({ message: `Health check ${this.spec.kind === 'pgsql' ? 'PostgreSQL' : 'MySQL'} user name is not valid`, value: String(this.spec.user), allowed: 'letters, digits, _, . and - (1–63 characters, not starting with . or -), e.g. haproxy' });
        }
        break;
      case 'tcp-check': {
        const steps = this.spec.steps;
        if (!Array.isArray(steps) || steps.length === 0 || steps.length > 32) {
          out.push({ message: 'Health check needs 1 to 32 steps', value: Array.isArray(steps) ? String(steps.length) : String(steps), allowed: 'TcpCheckStep.send/sendLine/expectString/expectRegex, 1–32 of them' });
          break;
        }
        steps.forEach((s, i) => {
          if (!(s instanceof TcpCheckStep)) out.push({ message: `Health check step ${i + 1} is not a TcpCheckStep`, value: String(s), allowed: 'TcpCheckStep.send/sendLine/expectString/expectRegex' });
          else out.push(...s._problems(i));
        });
        break;
      }
      default: break;
    }
    return [...optionProblems(this.spec.kind === 'http' ? 'cdkbsd.HttpHealthCheckOptions' : this.spec.kind === 'smtp' ? 'cdkbsd.SmtpHealthCheckOptions' : 'cdkbsd.HealthCheckOptions', this.options, out), ...out];
  }

  private httpProblems(): Problem[] {
    const out: Problem[] = [];
    const o = this.options;
    if (o.expectStatus !== undefined && (typeof o.expectStatus !== 'number' || !Number.isInteger(o.expectStatus) || o.expectStatus < 100 || o.expectStatus > 599)) {
      out.push({ message: 'Health check expectStatus must be an integer from 100 to 599', value: String(o.expectStatus), allowed: '100–599' });
    }
    if (typeof this.path !== 'string' || !/^\/[A-Za-z0-9._~!&'()*+,;=:@%\/?-]*$/.test(this.path) || /'/.test(this.path)) {
      out.push({ message: 'Health check path must be an absolute URL path', value: String(this.path), allowed: 'a path starting with /, without blanks or quotes, e.g. /healthz' });
    }
    if (o.method !== undefined && !/^[A-Z]{1,16}$/.test(o.method)) {
      out.push({ message: 'Health check method is not valid', value: String(o.method), allowed: 'an upper-case HTTP method such as GET, HEAD, OPTIONS' });
    }
    if (o.host !== undefined && (typeof o.host !== 'string' || !/^[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?$/.test(o.host))) {
      out.push({ message: 'Health check host is not valid', value: String(o.host), allowed: 'a host name such as app.example.net, optionally with :port' });
    }
    if (o.expect !== undefined && o.expectStatus !== undefined) {
      out.push({ message: 'Health check has both expect and expectStatus', value: `expectStatus ${o.expectStatus}`, allowed: 'one of them' });
    }
    if (o.expect !== undefined) {
      if (!(o.expect instanceof HttpCheckExpect)) {
        out.push({ message: 'Health check expect must be an HttpCheckExpect', value: String(o.expect), allowed: 'HttpCheckExpect.status/statusRange/bodyContains/bodyMatches' });
      } else {
        out.push(...o.expect._problems());
        if (o.expect._readsBody && o.method === 'HEAD') {
          out.push({ message: 'Health check expects a body text, but a HEAD answer has no body', value: 'method HEAD', allowed: 'method GET, or an expected status' });
        }
      }
    }
    return out;
  }

  /**
   * @internal The model of the check.
   * @param defaultHost the Host for an HTTP check without an explicit `host` (the backend
   * passes its first routed domain)
   */
  public _model(defaultHost?: string): HealthCheckModel {
    const o = this.options;
    const interMs = (o.interval ?? Duration.seconds(2)).toMilliseconds();
    // Object.assign onto this fresh object, not `{ ...base, kind }`: on Node 20, properties
    // added after a leading spread cost about 1 µs each (docs/performance.md).
    const base = {
      interMs,
      rise: o.rise ?? 2,
      fall: o.fall ?? 3,
      agent: o.agent
        ? { port: o.agent.port, interMs: o.agent.interval?.toMilliseconds() ?? interMs, send: o.agent.send === undefined ? undefined : `${o.agent.send}\n` }
        : undefined,
    };
    switch (this.spec.kind) {
      case 'http': {
        const expect = o.expect ?? (o.expectStatus !== undefined ? HttpCheckExpect.status(o.expectStatus) : HttpCheckExpect.statusRange(200, 399));
        return Object.assign(base, { kind: 'http' as const, method: o.method ?? 'GET', path: this.path, host: o.host ?? defaultHost, expect: expect._model() });
      }
      case 'smtp': return Object.assign(base, { kind: 'smtp' as const, smtpDomain: o.domain });
      case 'pgsql': return Object.assign(base, { kind: 'pgsql' as const, user: this.spec.user });
      case 'mysql': return Object.assign(base, { kind: 'mysql' as const, user: this.spec.user });
      case 'tcp-check': return Object.assign(base, { kind: 'tcp-check' as const, steps: (this.spec.steps ?? []).map((s) => s._model()) });
      default: return Object.assign(base, { kind: 'tcp' as const });
    }
  }
}
