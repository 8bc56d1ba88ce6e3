/**
 * The plain data an ACME certificate renders from, per host (internal: not exported from
 * lib/index.ts). Secrets are resolved here, at synth, and live only in the model and in the
 * 0600 files rendered from it.
 */

/** Where a certificate's files live on a host. */
export interface AcmePaths {
  /** dehydrated's configuration (0600: it may carry the EAB credentials). */
  readonly config: string;
  /** dehydrated's domains.txt: one line, the names and the alias. */
  readonly domainsTxt: string;
  /** The hook dehydrated calls (challenges, deploy, OCSP). */
  readonly hook: string;
  /** The wrapper cron runs (`cron`), the deploy runs once (`bootstrap`), an operator may run (`force`). */
  readonly renew: string;
  /** The cron entry. */
  readonly cron: string;
  /** newsyslog's rotation of the log. */
  readonly newsyslog: string;
  /** The TSIG key file for nsupdate (0600), for RFC 2136. */
  readonly tsigKey: string;
  /** The DNS hook's environment (0600), for a DNS hook. */
  readonly hookEnv: string;
  /** The HAProxy map of HTTP-01 tokens (loaded at start, filled over the runtime API). */
  readonly http01Map: string;
  /** dehydrated's BASEDIR: account key, certificates, OCSP responses (0700). */
  readonly stateDir: string;
  /** The log of every run. */
  readonly log: string;
  /** The combined PEM (chain + key) HAProxy reads (`crt`). */
  readonly pem: string;
  /** HAProxy's stats socket (runtime API, level admin). */
  readonly haproxySocket: string;
}

/** @internal DNS-01 by RFC 2136. */
export interface Rfc2136Model {
  readonly kind: 'dns-rfc2136';
  readonly server: string;
  readonly port: number;
  readonly keyName: string;
  readonly algorithm: string;
  /** The TSIG secret (base64). */
  readonly secret: string;
  readonly zone?: string;
  readonly propagationSeconds: number;
}

/** @internal DNS-01 by a user-named hook program. */
export interface DnsHookModel {
  readonly kind: 'dns-hook';
  readonly command: string;
  /** Variables for the program, sorted by name. Values are secrets. */
  readonly env: Array<{ readonly name: string; readonly value: string }>;
  readonly propagationSeconds: number;
}

/** @internal HTTP-01 answered by HAProxy from a map. */
export interface Http01Model {
  readonly kind: 'http-01';
}

/** @internal */
export type ChallengeModel = Rfc2136Model | DnsHookModel | Http01Model;

/** @internal Everything one host needs for one ACME certificate. */
export interface AcmeModel {
  /** The certificate's name (file names, dehydrated's alias). */
  readonly name: string;
  /** The construct path (file headers). */
  readonly producer: string;
  /** The host's name (log lines). */
  readonly hostname: string;
  /** The names, in the user's order. The first is the subject. */
  readonly domains: string[];
  readonly directoryUrl: string;
  readonly caLabel: string;
  /** External account binding, resolved. */
  readonly eab?: { readonly keyId: string; readonly hmacKey: string };
  /** Fetch and staple OCSP responses. */
  readonly ocsp: boolean;
  readonly email?: string;
  /** dehydrated KEY_ALGO / KEYSIZE, and the openssl arguments of a placeholder key of the same type. */
  readonly key: { readonly algo: string; readonly size: number; readonly openssl: string[] };
  /** Renew when fewer days than this are left. */
  readonly renewDays: number;
  readonly challenge: ChallengeModel;
  readonly paths: AcmePaths;
  /** What reloads HAProxy when the runtime API cannot swap the certificate. */
  readonly reloadCommand: string;
  /** When cron runs the renewal: one minute, at two hours 12 hours apart. */
  readonly cron: { readonly minute: number; readonly hours: [number, number] };
}

/** @internal One file a host receives. */
export interface AcmeFile {
  readonly path: string;
  readonly mode: number;
  /** Carries a secret: 0600 and marked so in the manifest. */
  readonly secret: boolean;
  readonly content: string;
}

/** @internal The default paths of certificate `name`, under `prefix` (tests stage them in a temp dir). */
export function acmePaths(name: string, pem: string, haproxySocket: string, prefix = ''): AcmePaths {
  const conf = `${prefix}/usr/local/etc/cdkbsd/acme/${name}`;
  return {
    config: `${conf}/config`,
    domainsTxt: `${conf}/domains.txt`,
    tsigKey: `${conf}/tsig.key`,
    hookEnv: `${conf}/dns-hook.env`,
    http01Map: `${conf}/http-01.map`,
    hook: `${prefix}/usr/local/libexec/cdkbsd/acme-${name}-hook`,
    renew: `${prefix}/usr/local/libexec/cdkbsd/acme-${name}-renew`,
    cron: `${prefix}/usr/local/etc/cron.d/cdkbsd-acme-${name}`,
    newsyslog: `${prefix}/usr/local/etc/newsyslog.conf.d/cdkbsd-acme-${name}.conf`,
    stateDir: `${prefix}/var/db/cdkbsd/acme/${name}`,
    log: `${prefix}/var/log/cdkbsd-acme-${name}.log`,
    pem: `${prefix}${pem}`,
    haproxySocket: `${prefix}${haproxySocket}`,
  };
}
