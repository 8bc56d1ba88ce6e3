import { Secret } from '../core/secret';
import { Duration } from '../net/duration';
import { IpAddress } from '../net/address';
import { fqdnProblem } from '../net/names';
import { Problem } from './private/sh';

/** TSIG algorithms of RFC 2136 updates (nsupdate's names). */
export enum TsigAlgorithm {
  /** HMAC-SHA256 (what `tsig-keygen` makes by default). */
  HMAC_SHA256 = 'hmac-sha256',
  /** HMAC-SHA384. */
  HMAC_SHA384 = 'hmac-sha384',
  /** HMAC-SHA512. */
  HMAC_SHA512 = 'hmac-sha512',
  /** HMAC-SHA224. */
  HMAC_SHA224 = 'hmac-sha224',
  /** HMAC-SHA1 (legacy servers only). */
  HMAC_SHA1 = 'hmac-sha1',
}

/** How a certificate's DNS-01 challenges are published by RFC 2136 dynamic updates (nsupdate). */
export interface Rfc2136Options {
  /** The DNS server that accepts the updates (its primary): an IP address or a host name. */
  readonly server: string;
  /**
   * Its port.
   * @default 53
   */
  readonly port?: number;
  /** The TSIG key's name, as the server knows it, e.g. `acme-update`. */
  readonly keyName: string;
  /**
   * The TSIG algorithm.
   * @default TsigAlgorithm.HMAC_SHA256
   */
  readonly algorithm?: TsigAlgorithm;
  /** The TSIG key's secret (base64, as `tsig-keygen` prints it). Written only to a 0600 file. */
  readonly secret: Secret;
  /**
   * The zone to update (nsupdate's `zone`), e.g. `example.net`.
   * @default - nsupdate finds the zone of each name itself
   */
  readonly zone?: string;
  /**
   * How long to wait after the update before asking the CA to validate (secondaries to catch up).
   * @default Duration.seconds(30)
   */
  readonly propagation?: Duration;
}

/** A user-named DNS hook: any program that speaks dehydrated's hook protocol for DNS-01. */
export interface DnsHookOptions {
  /**
   * Absolute path of the program, e.g. `/usr/local/libexec/dns-hook-cloudflare`. It is called as
   * `<command> deploy_challenge <domain> <token> <txt-value> [<domain> <token> <txt-value> …]`
   * and then `<command> clean_challenge …` with the same arguments.
   */
  readonly command: string;
  /**
   * Environment variables the program needs (API tokens), by name. Values are Secrets, written
   * only to a 0600 file and exported to the program alone.
   * @default - none
   */
  readonly env?: { [name: string]: Secret };
  /**
   * How long to wait after the program returns before asking the CA to validate.
   * @default Duration.seconds(30)
   */
  readonly propagation?: Duration;
  /**
   * FreeBSD packages the program needs (installed by the deploy).
   * @default - none
   */
  readonly packages?: string[];
}

/** What kind of ACME challenge. */
export enum AcmeChallengeKind {
  /** DNS-01 by RFC 2136 dynamic updates. */
  DNS_RFC2136 = 'dns-rfc2136',
  /** DNS-01 by a user-named hook program. */
  DNS_HOOK = 'dns-hook',
  /** HTTP-01, answered by HAProxy on port 80 of the address the names point at (the VIP). */
  HTTP_01 = 'http-01',
}

/**
 * How the CA checks that the domains are ours. DNS-01 works for wildcards and needs no open
 * port, and each CARP member can pass it on its own; HTTP-01 needs the names to point at the VIP.
 */
export class AcmeChallenge {
  /** DNS-01 by RFC 2136 dynamic updates signed with a TSIG key (BIND, Knot, PowerDNS, …). */
  public static dnsRfc2136(options: Rfc2136Options): AcmeChallenge {
    return new AcmeChallenge(AcmeChallengeKind.DNS_RFC2136, options, undefined);
  }

  /** DNS-01 by a program the user names (a provider's API), with Secrets in its environment. */
  public static dnsHook(options: DnsHookOptions): AcmeChallenge {
    return new AcmeChallenge(AcmeChallengeKind.DNS_HOOK, undefined, options);
  }

  /**
   * HTTP-01: HAProxy answers `/.well-known/acme-challenge/<token>` on port 80 from a map the
   * hook fills over the runtime API. On a CARP pair, a token the MASTER does not know is asked of
   * its peer. The names must point at the VIP. No wildcards.
   */
  public static http01(): AcmeChallenge {
    return new AcmeChallenge(AcmeChallengeKind.HTTP_01, undefined, undefined);
  }

  /** What kind of challenge. */
  public readonly kind: AcmeChallengeKind;
  /** The RFC 2136 options, for `DNS_RFC2136`. */
  public readonly rfc2136?: Rfc2136Options;
  /** The hook options, for `DNS_HOOK`. */
  public readonly hook?: DnsHookOptions;

  private constructor(kind: AcmeChallengeKind, rfc2136?: Rfc2136Options, hook?: DnsHookOptions) {
    this.kind = kind;
    this.rfc2136 = rfc2136;
    this.hook = hook;
  }

  /** Whether the challenge is a DNS-01 one (needed for wildcards). */
  public get isDns(): boolean {
    return this.kind !== AcmeChallengeKind.HTTP_01;
  }

  /** @internal What is wrong with the options (never a secret value). */
  public _problems(): Problem[] {
    const out: Problem[] = [];
    if (this.kind === AcmeChallengeKind.DNS_RFC2136) {
      const o = this.rfc2136 ?? ({} as Rfc2136Options);
      const server = o.server;
      const isIp = typeof server === 'string' && IpAddress._tryParse(server) !== undefined;
      if (typeof server !== 'string' || (!isIp && fqdnProblem(server) !== undefined)) {
        out.push({ message: 'RFC 2136 server must be an IP address or a host name', value: String(server), allowed: 'e.g. 192.0.2.53, 2001:db8::53 or ns1.example.net' });
      }
      if (o.port !== undefined && (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535)) {
        out.push({ message: 'RFC 2136 port must be an integer from 1 to 65535', value: String(o.port), allowed: 'integers 1–65535' });
      }
      if (typeof o.keyName !== 'string' || !/^[A-Za-z0-9]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_-]{1,63})*\.?$/.test(o.keyName) || o.keyName.length > 253) {
        out.push({ message: 'TSIG key name must be a DNS name', value: String(o.keyName), allowed: 'labels of letters, digits, - and _, e.g. acme-update or acme-update.example.net' });
      }
      if (o.algorithm !== undefined && !Object.values(TsigAlgorithm).includes(o.algorithm)) {
        out.push({ message: 'TSIG algorithm is not known', value: String(o.algorithm), allowed: Object.values(TsigAlgorithm).join(', ') });
      }
      if (!(o.secret instanceof Secret)) out.push({ message: 'TSIG secret must be a Secret', value: '<redacted>', allowed: 'Secret.fromEnv(...) or Secret.fromFile(...)' });
      if (o.zone !== undefined && fqdnProblem(o.zone.replace(/\.$/, '')) !== undefined) {
        out.push({ message: 'RFC 2136 zone must be a domain name', value: String(o.zone), allowed: 'e.g. example.net' });
      }
      out.push(...durationProblems(o.propagation));
    } else if (this.kind === AcmeChallengeKind.DNS_HOOK) {
      const o = this.hook ?? ({} as DnsHookOptions);
      if (typeof o.command !== 'string' || !/^\/(?:[A-Za-z0-9._+@-]+\/)*[A-Za-z0-9._+@-]+$/.test(o.command) || o.command.split('/').some((s) => s === '.' || s === '..')) {
        out.push({ message: 'DNS hook command must be an absolute path', value: String(o.command), allowed: 'an absolute path of letters, digits and . _ + @ - segments, e.g. /usr/local/libexec/dns-hook' });
      }
      for (const [name, value] of Object.entries(o.env ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) {
          out.push({ message: 'DNS hook environment variable name is not a shell name', value: name, allowed: 'letters, digits and _, not starting with a digit, e.g. CF_Token' });
        } else if (RESERVED_ENV.has(name) || name.startsWith('CDKBSD_')) {
          out.push({ message: 'DNS hook environment variable name is reserved', value: name, allowed: `a name other than ${[...RESERVED_ENV].join(', ')} or CDKBSD_*` });
        }
        if (!(value instanceof Secret)) out.push({ message: `DNS hook environment variable ${name} must be a Secret`, value: '<redacted>', allowed: 'Secret.fromEnv(...) or Secret.fromFile(...)' });
      }
      for (const p of o.packages ?? []) {
        if (typeof p !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(p)) out.push({ message: 'Package name is not a FreeBSD package name', value: String(p), allowed: 'e.g. py311-dns-lexicon' });
      }
      out.push(...durationProblems(o.propagation));
    }
    return out;
  }

  /** @internal The Secrets this challenge carries, by what they are. */
  public _secrets(): Array<{ what: string; secret: Secret }> {
    if (this.kind === AcmeChallengeKind.DNS_RFC2136 && this.rfc2136?.secret instanceof Secret) return [{ what: 'TSIG secret', secret: this.rfc2136.secret }];
    if (this.kind === AcmeChallengeKind.DNS_HOOK) {
      return Object.entries(this.hook?.env ?? {}).filter(([, s]) => s instanceof Secret).map(([name, secret]) => ({ what: `DNS hook variable ${name}`, secret }));
    }
    return [];
  }
}

/** Names the hook itself sets or needs. */
const RESERVED_ENV = new Set(['PATH', 'HOME', 'IFS', 'SHELL', 'ENV', 'PS1', 'PS2', 'PS4', 'PWD', 'OLDPWD', 'LANG', 'LC_ALL', 'TMPDIR']);

function durationProblems(d: Duration | undefined): Problem[] {
  if (d === undefined) return [];
  if (!(d instanceof Duration)) return [{ message: 'propagation must be a Duration', value: String(d), allowed: 'Duration.seconds(30)' }];
  const s = d.toSeconds();
  if (!Number.isInteger(s) || s < 0 || s > 3600) return [{ message: 'propagation must be whole seconds from 0 to 3600', value: `${s}s`, allowed: '0–3600 seconds' }];
  return [];
}

