import { Duration } from '../net/duration';
import { Secret } from '../core/secret';
import { ITargetHosts } from '../core/host';
import { TlsProfile } from './tls-profile';

/** Timeouts of the `defaults` section. */
export interface HaproxyTimeouts {
  /**
   * Time to establish a connection to a server.
   * @default Duration.seconds(5)
   */
  readonly connect?: Duration;
  /**
   * Client inactivity.
   * @default Duration.seconds(30)
   */
  readonly client?: Duration;
  /**
   * Server inactivity.
   * @default Duration.seconds(30)
   */
  readonly server?: Duration;
  /**
   * Time to receive a whole request head (slowloris guard).
   * @default Duration.seconds(10)
   */
  readonly httpRequest?: Duration;
  /**
   * Idle time between two requests of a keep-alive connection.
   * @default Duration.seconds(10)
   */
  readonly httpKeepAlive?: Duration;
  /**
   * Time a request may wait for a free server slot.
   * @default Duration.seconds(30)
   */
  readonly queue?: Duration;
  /**
   * Inactivity of tunnels (WebSocket, CONNECT).
   * @default Duration.hours(1)
   */
  readonly tunnel?: Duration;
  /**
   * Extra time a health check may take to answer once connected.
   * @default Duration.seconds(5)
   */
  readonly check?: Duration;
}

/** Where the stats page listens on each host. */
export enum StatsAddress {
  /** The host's management address (its own address, never a VIP). */
  MANAGEMENT = 'management',
  /** 127.0.0.1 only (reach it through an ssh tunnel). */
  LOOPBACK = 'loopback',
}

/** The stats page (a `listen` section with `stats enable`). */
export interface HaproxyStatsPageProps {
  /** The user name of the basic-auth login. */
  readonly user: string;
  /** The password (the haproxy.conf is then written 0600 and marked secret). */
  readonly password: Secret;
  /**
   * The port.
   * @default 8404
   */
  readonly port?: number;
  /**
   * Where it listens on each host.
   * @default StatsAddress.MANAGEMENT
   */
  readonly address?: StatsAddress;
  /**
   * The URL path.
   * @default '/stats'
   */
  readonly uri?: string;
  /**
   * Auto-refresh of the page.
   * @default Duration.seconds(10)
   */
  readonly refresh?: Duration;
  /**
   * Allow drain/maintenance actions from the page (`stats admin`).
   * @default false
   */
  readonly admin?: boolean;
}

/** Stick-table synchronisation between the members (a `peers` section). */
export interface HaproxyPeersProps {
  /**
   * The section's name.
   * @default 'members'
   */
  readonly name?: string;
  /**
   * The TCP port peers talk on (the firewall must pass it between the members).
   * @default 10000
   */
  readonly port?: number;
}

/** Properties of an HAProxy service. */
export interface HaproxyProps {
  /** Where it runs: a cluster (every member gets the same config) or one host. */
  readonly target: ITargetHosts;
  /**
   * TLS defaults.
   * @default TlsProfile.intermediate()
   */
  readonly tlsProfile?: TlsProfile;
  /**
   * Global connection limit.
   * @default 4096
   */
  readonly maxconn?: number;
  /**
   * The user HAProxy drops to after binding.
   * @default 'www'
   */
  readonly user?: string;
  /**
   * The group HAProxy drops to.
   * @default 'www'
   */
  readonly group?: string;
  /**
   * The chroot directory. Empty string for none. With a chroot, logging goes to
   * `/var/run/log` inside it, and rc.conf gets `altlog_proglist="haproxy"` and
   * `haproxy_chrootdir`, so that FreeBSD's syslogd opens that socket (the directory
   * `<chroot>/var/run` must exist).
   * @default '/var/haproxy'
   */
  readonly chroot?: string;
  /**
   * Syslog facility.
   * @default 'local0'
   */
  readonly logFacility?: string;
  /**
   * Highest syslog level sent.
   * @default 'info'
   */
  readonly logLevel?: string;
  /**
   * Timeouts of the `defaults` section.
   * @default - see HaproxyTimeouts
   */
  readonly timeouts?: HaproxyTimeouts;
  /**
   * Connection retries to a server (`retries`).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Where the config goes (the rc script's `haproxy_config` default).
   * @default '/usr/local/etc/haproxy.conf'
   */
  readonly configPath?: string;
}
