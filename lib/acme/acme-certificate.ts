import { Construct } from 'constructs';
import { HostContribution, PlanSet } from '../core/contribution';
import { Diagnostics, IReporter } from '../core/diagnostics';
import { FileTarget, FreeBsdHost, ITargetHosts, hostPathProblem, HOST_PATH_ALLOWED } from '../core/host';
import { HaproxyFrontend } from '../haproxy/frontend';
import { Secret } from '../core/secret';
import { Duration } from '../net/duration';
import { Certificate } from '../haproxy/certificate';
import { AcmeCa } from './acme-ca';
import { AcmeChallenge, AcmeChallengeKind, TsigAlgorithm } from './acme-challenge';
import { AcmeDomains, domainListProblems } from './domains';
import { AcmeKeyType, dehydratedKey } from './key-type';
import { AcmeFile, AcmeModel, ChallengeModel, acmePaths } from './model';
import { Problem, fnv1a, hasControl } from './private/sh';
import { renderAcmeFiles } from './render';
import { checkInit, constructId } from '../core/private/check-props';

/** Properties of an ACME certificate. */
export interface AcmeCertificateProps {
  /** The host, or the CARP cluster whose every member renews the certificate on its own. */
  readonly target: ITargetHosts;
  /**
   * The names, the first being the subject: DNS names and wildcards (`*.example.net`, the `*`
   * alone as the leftmost label, wildcards need a DNS-01 challenge).
   */
  readonly domains: string[];
  /** How the CA checks that the names are ours. */
  readonly challenge: AcmeChallenge;
  /** You accept the CA's terms of service (the ACME account is registered with `termsOfServiceAgreed`). Must be true. */
  readonly acceptTermsOfService: boolean;
  /**
   * The certificate authority.
   * @default AcmeCa.LETS_ENCRYPT
   */
  readonly ca?: AcmeCa;
  /**
   * The certificate's key.
   * @default AcmeKeyType.ECDSA_P256
   */
  readonly keyType?: AcmeKeyType;
  /**
   * Contact address for the ACME account (expiry warnings, policy changes).
   * @default - no contact
   */
  readonly email?: string;
  /**
   * The certificate's name in file names (letters, digits, `.`, `_`, `-`).
   * @default - the first domain, `*.` written as `wildcard.`
   */
  readonly name?: string;
  /**
   * Where HAProxy reads the combined PEM (chain and key). Use `certificate` in a frontend's
   * `certificates`, or put the file in a crt directory the frontend already loads.
   * @default - `/usr/local/etc/haproxy/certs/<name>.pem`
   */
  readonly pemPath?: string;
  /**
   * Renew when less than this is left (whole days).
   * @default Duration.days(30)
   */
  readonly renewBefore?: Duration;
  /**
   * Fetch OCSP responses and staple them (over HAProxy's runtime API, and a `.ocsp` file beside
   * the PEM for restarts). Only for CAs whose certificates name an OCSP responder.
   * @default - the CA's: true for ZeroSSL, false for Let's Encrypt (no OCSP since 2025)
   */
  readonly ocspStapling?: boolean;
  /**
   * HAProxy's stats socket (runtime API at level admin), through which the certificate is swapped.
   * @default '/var/run/haproxy.sock'
   */
  readonly haproxySocket?: string;
}

/** @internal Options of `_model` for tests: every path under `prefix`. */
export interface AcmeModelOptions {
  readonly prefix?: string;
}

const NAME_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;
const EMAIL_RE = /^[A-Za-z0-9.!#%&*+=?^_{|}~-]+@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const DEFAULT_SOCKET = '/var/run/haproxy.sock';

/**
 * A certificate that renews itself by ACME (dehydrated, from FreeBSD's security/dehydrated), on
 * every host of its target. Each CARP member registers its own account and renews on its own
 * (no shared state: a failover during a renewal changes nothing). The hook writes the combined
 * PEM at `pemPath` and swaps it in the running HAProxy over the runtime API, without a reload.
 * See docs/certificates.md.
 *
 * @example
 * const cert = new AcmeCertificate(app, 'Wildcard', {
 *   target: cluster,
 *   domains: ['example.net', '*.example.net'],
 *   challenge: AcmeChallenge.dnsRfc2136({ server: '192.0.2.53', keyName: 'acme', secret: Secret.fromEnv('TSIG_SECRET') }),
 *   acceptTermsOfService: true,
 * });
 * proxy.addFrontend('fe_web', { vips: [vip], certificates: [cert.certificate] });
 */
export class AcmeCertificate extends Construct {
  /** The certificate's name (file names). */
  public readonly name: string;
  /** The names on the certificate. */
  public readonly domains: string[];
  /** The CA. */
  public readonly ca: AcmeCa;
  /** The challenge. */
  public readonly challenge: AcmeChallenge;
  /** The key type. */
  public readonly keyType: AcmeKeyType;
  /** Where HAProxy reads the PEM. */
  public readonly pemPath: string;
  /** The PEM as a HAProxy certificate, for a frontend's `certificates`. */
  public readonly certificate: Certificate;
  private readonly props: AcmeCertificateProps;

  constructor(scope: Construct, id: string, props: AcmeCertificateProps) {
    super(scope, constructId(scope, id));
    checkInit(this, 'cdkbsd.AcmeCertificate', props);
    this.props = props ?? ({} as AcmeCertificateProps);
    const p = this.props;
    this.domains = Array.isArray(p.domains) ? [...p.domains] : [];
    this.ca = p.ca ?? AcmeCa.LETS_ENCRYPT;
    this.challenge = p.challenge;
    this.keyType = p.keyType ?? AcmeKeyType.ECDSA_P256;
    const first = typeof this.domains[0] === 'string' ? this.domains[0] : 'certificate';
    this.name = p.name ?? first.replace(/^\*\./, 'wildcard.');
    this.pemPath = p.pemPath ?? `/usr/local/etc/haproxy/certs/${this.name}.pem`;
    this.certificate = Certificate.fromFile(this.pemPath);
    for (const problem of this.problems()) Diagnostics.error(this, problem.message, { value: problem.value, allowed: problem.allowed });
    Diagnostics.addValidation(this, (r) => this.validateTree(r));
  }

  /** The hosts that renew the certificate. */
  public get hosts(): FreeBsdHost[] {
    const t = this.props.target;
    return t && Array.isArray((t as ITargetHosts).targetHosts) ? [...t.targetHosts] : [];
  }

  /** The `domains` (e.g. a frontend's routed domains) this certificate does not cover. */
  public uncoveredDomains(domains: string[]): string[] {
    return AcmeDomains.uncovered(this.domains, domains);
  }

  /** @internal The model of `host` (secrets resolved). Throws (without a secret) on a problem validation reports. */
  public _model(host: FreeBsdHost, options: AcmeModelOptions = {}): AcmeModel {
    const index = Math.max(0, this.hosts.indexOf(host));
    const p = this.props;
    const c = this.challenge;
    const key = dehydratedKey(this.keyType)!;
    const resolve = (what: string, s: Secret): string => {
      const r = s._resolve();
      if (r.value === undefined) throw new Error(`[${this.node.path}] ${what}: ${r.problem}`);
      return r.value;
    };
    let challenge: ChallengeModel;
    if (c.kind === AcmeChallengeKind.DNS_RFC2136) {
      const o = c.rfc2136!;
      challenge = {
        kind: 'dns-rfc2136', server: o.server, port: o.port ?? 53, keyName: o.keyName, algorithm: o.algorithm ?? TsigAlgorithm.HMAC_SHA256,
        secret: resolve('TSIG secret', o.secret), zone: o.zone?.replace(/\.$/, ''), propagationSeconds: (o.propagation ?? Duration.seconds(30)).toSeconds(),
      };
    } else if (c.kind === AcmeChallengeKind.DNS_HOOK) {
      const o = c.hook!;
      challenge = {
        kind: 'dns-hook', command: o.command, propagationSeconds: (o.propagation ?? Duration.seconds(30)).toSeconds(),
        env: Object.keys(o.env ?? {}).sort().map((name) => ({ name, value: resolve(`DNS hook variable ${name}`, o.env![name]) })),
      };
    } else {
      challenge = { kind: 'http-01' };
    }
    const h = fnv1a(`${host.hostname}/${this.name}`);
    const hour = ((h >>> 8) + index * 6) % 12;
    return {
      name: this.name,
      producer: this.node.path,
      hostname: host.hostname,
      domains: [...this.domains],
      directoryUrl: this.ca.directoryUrl,
      caLabel: this.ca.label,
      eab: this.ca.eabKeyId && this.ca.eabHmacKey ? { keyId: resolve('EAB key id', this.ca.eabKeyId), hmacKey: resolve('EAB HMAC key', this.ca.eabHmacKey) } : undefined,
      ocsp: p.ocspStapling ?? this.ca.ocsp,
      email: p.email,
      key,
      renewDays: (p.renewBefore ?? Duration.days(30)).toMilliseconds() / 86_400_000,
      challenge,
      paths: acmePaths(this.name, this.pemPath, p.haproxySocket ?? DEFAULT_SOCKET, options.prefix ?? ''),
      reloadCommand: 'service haproxy reload',
      cron: { minute: h % 60, hours: [hour, hour + 12] },
    };
  }

  /**
   * @internal What `host` receives for this certificate: files (path, mode, secret, content),
   * rendered from its model. Call only after validation passed.
   */
  public _hostFiles(host: FreeBsdHost): AcmeFile[] {
    return renderAcmeFiles(this._model(host));
  }

  /**
   * @internal What each target host receives: dehydrated's files, the hook and the renew
   * wrapper, cron, the packages, and the commands the deploy runs around HAProxy's start.
   */
  public _contribute(): HostContribution[] {
    if (Diagnostics.hasErrors(this)) return [];
    const commands = this._deployCommands();
    return this.hosts.map((host) => ({
      host,
      owner: this,
      files: this._hostFiles(host).map((f) => ({
        path: f.path, mode: f.mode, secret: f.secret, target: FileTarget.HOST, owner: this, model: f.path, render: () => f.content,
      })),
      rcConf: Object.entries(this._rcConf()).map(([key, value]) => ({ key, value })),
      packages: this._packages(),
      services: ['cron'],
      commands: { beforeServices: commands.before, afterServices: commands.after },
    }));
  }

  /**
   * @internal Every domain a frontend that serves this certificate routes is covered by one of
   * the ACME certificates it serves; a warning names the uncovered ones.
   */
  public _checkPlans(plans: PlanSet, r: IReporter): void {
    const acme = plans.index('acme:certificates', () => plans.constructs.filter((c): c is AcmeCertificate => c instanceof AcmeCertificate));
    for (const c of plans.constructs) {
      if (!(c instanceof HaproxyFrontend) || !c.certificates.some((x) => x.path === this.pemPath)) continue;
      const served = acme.filter((a) => c.certificates.some((x) => x.path === a.pemPath));
      if (served[0] !== this) continue; // the first certificate of the frontend reports
      const uncovered = AcmeDomains.uncovered(served.flatMap((a) => a.domains), c.domains);
      if (uncovered.length > 0) {
        r.warning(`${c.node.path} routes domains that no certificate it serves covers: clients get a name mismatch`, {
          value: uncovered.join(', '), allowed: `domains covered by ${served.map((a) => a.domains.join(', ')).join('; ')}, or another certificate on the frontend`,
        });
      }
    }
  }

  /** @internal rc.conf keys the certificate needs (cron runs the renewals). */
  public _rcConf(): Record<string, string> {
    return { cron_enable: 'YES' };
  }

  /** @internal FreeBSD packages the deploy installs (dehydrated pulls bash and curl). */
  public _packages(): string[] {
    const out = ['dehydrated'];
    if (this.challenge?.kind === AcmeChallengeKind.DNS_RFC2136) out.push('bind-tools');
    if (this.challenge?.kind === AcmeChallengeKind.DNS_HOOK) out.push(...(this.challenge.hook?.packages ?? []));
    return [...new Set(out)].sort();
  }

  /**
   * @internal Commands the deploy runs on each host: `before` ahead of HAProxy's (re)start (a
   * placeholder PEM, offline, so HAProxy can start), `after` once HAProxy runs (the first
   * issuance; a failure is reported, cron retries twice a day).
   */
  public _deployCommands(): { before: string[]; after: string[] } {
    const renew = acmePaths(this.name, this.pemPath, DEFAULT_SOCKET).renew;
    return { before: [`${renew} placeholder`], after: [`${renew} cron`] };
  }

  /**
   * @internal For HTTP-01: the lines a port-80 frontend needs before its HTTPS redirect, answering
   * tokens from the map the hook fills over the runtime API.
   */
  public _haproxyHttp01Lines(options: AcmeModelOptions = {}): string[] {
    if (this.challenge?.kind !== AcmeChallengeKind.HTTP_01) return [];
    const map = acmePaths(this.name, this.pemPath, DEFAULT_SOCKET, options.prefix ?? '').http01Map;
    const token = `path,field(4,/),map(${map})`;
    return [`http-request return status 200 content-type text/plain lf-string %[${token}] if { path_beg /.well-known/acme-challenge/ } { ${token} -m found }`];
  }

  private problems(): Problem[] {
    const p = this.props;
    const out: Problem[] = [];
    if (!p.target || !Array.isArray((p.target as ITargetHosts).targetHosts)) out.push({ message: 'AcmeCertificate needs a target: a FreeBsdHost or a CarpCluster', value: String(p.target), allowed: 'a FreeBsdHost or a CarpCluster' });
    if (!(p.challenge instanceof AcmeChallenge)) {
      out.push({ message: 'AcmeCertificate needs a challenge', value: String(p.challenge), allowed: 'AcmeChallenge.dnsRfc2136(...), AcmeChallenge.dnsHook(...) or AcmeChallenge.http01()' });
    } else {
      out.push(...p.challenge._problems());
    }
    out.push(...domainListProblems(p.domains, !(p.challenge instanceof AcmeChallenge) || p.challenge.isDns));
    if (p.acceptTermsOfService !== true) out.push({ message: 'The CA\'s terms of service must be accepted to register an ACME account', value: String(p.acceptTermsOfService), allowed: 'acceptTermsOfService: true' });
    if (!(this.ca instanceof AcmeCa)) out.push({ message: 'ca must be an AcmeCa', value: String(p.ca), allowed: 'AcmeCa.LETS_ENCRYPT, AcmeCa.zeroSsl(...), AcmeCa.custom(url)' });
    else out.push(...this.ca._problems());
    if (dehydratedKey(this.keyType) === undefined) out.push({ message: 'Key type is not known', value: String(this.keyType), allowed: Object.values(AcmeKeyType).join(', ') });
    if (p.email !== undefined && (typeof p.email !== 'string' || !EMAIL_RE.test(p.email))) out.push({ message: 'ACME contact email is not an address', value: String(p.email), allowed: 'e.g. hostmaster@example.net' });
    if (p.name !== undefined && (typeof p.name !== 'string' || !NAME_RE.test(p.name) || p.name.includes('..'))) {
      out.push({ message: 'Certificate name must be a plain file name', value: String(p.name), allowed: 'lower-case letters, digits, ., _ and - (1–63 characters, no ..), e.g. example.net' });
    } else if (p.name === undefined && typeof this.domains[0] === 'string' && !NAME_RE.test(this.name)) {
      out.push({ message: 'The first domain does not make a file name: give `name`', value: String(this.domains[0]), allowed: 'name: lower-case letters, digits, ., _ and -' });
    }
    const pathProblem = hostPathProblem(this.pemPath) ?? this.certificate._problem();
    if (pathProblem) out.push({ message: `pemPath: ${pathProblem}`, value: String(this.pemPath), allowed: HOST_PATH_ALLOWED });
    else if (this.pemPath.endsWith('.ocsp') || this.pemPath.endsWith('.key') || this.pemPath.endsWith('.issuer') || this.pemPath.endsWith('.sctl')) {
      out.push({ message: 'pemPath must not end in .ocsp, .key, .issuer or .sctl (HAProxy reads those as extra files of a certificate)', value: this.pemPath, allowed: 'e.g. /usr/local/etc/haproxy/certs/example.net.pem' });
    }
    if (p.haproxySocket !== undefined && hostPathProblem(p.haproxySocket)) out.push({ message: 'haproxySocket must be an absolute path', value: String(p.haproxySocket), allowed: HOST_PATH_ALLOWED });
    if (p.renewBefore !== undefined) {
      const days = p.renewBefore instanceof Duration ? p.renewBefore.toMilliseconds() / 86_400_000 : NaN;
      if (!Number.isInteger(days) || days < 1 || days > 180) out.push({ message: 'renewBefore must be whole days from 1 to 180', value: p.renewBefore instanceof Duration ? p.renewBefore.toString() : String(p.renewBefore), allowed: 'Duration.days(1) … Duration.days(180)' });
    }
    if (p.ocspStapling !== undefined && typeof p.ocspStapling !== 'boolean') out.push({ message: 'ocspStapling must be a boolean', value: String(p.ocspStapling), allowed: 'true or false' });
    return out;
  }

  /** Tree-wide, at synth: secrets readable and well-formed. No two certificates share a file on a host. */
  private validateTree(r: IReporter): void {
    if (Diagnostics.hasErrors(this)) return;
    const secrets: Array<{ what: string; secret: Secret; shape: RegExp; allowed: string }> = [];
    for (const s of this.challenge._secrets()) {
      secrets.push(s.what === 'TSIG secret'
        ? { ...s, shape: /^[A-Za-z0-9+/]+={0,2}$/, allowed: 'base64, as tsig-keygen prints it' }
        : { ...s, shape: /^[^\x00-\x1f\x7f]*$/, allowed: 'printable characters' });
    }
    if (this.ca.eabKeyId) secrets.push({ what: 'EAB key id', secret: this.ca.eabKeyId, shape: /^[\x21-\x7e]+$/, allowed: 'printable characters without blanks' });
    if (this.ca.eabHmacKey) secrets.push({ what: 'EAB HMAC key', secret: this.ca.eabHmacKey, shape: /^[A-Za-z0-9_-]+={0,2}$/, allowed: 'base64url, as the CA gives it' });
    for (const s of secrets) {
      const v = s.secret._resolve();
      if (v.value === undefined) r.error(`${s.what}: ${v.problem}`, { value: s.secret.describe() });
      else if (hasControl(v.value) || !s.shape.test(v.value)) r.error(`${s.what} is not well-formed`, { value: '<redacted>', allowed: s.allowed });
    }
    if (this.hosts.length > 1 && this.challenge.kind === AcmeChallengeKind.HTTP_01) {
      r.warning('HTTP-01 on several hosts: the CA reaches only the one that holds the VIP, so the others renew only while they are MASTER (prefer a DNS-01 challenge: each member renews on its own)', { value: this.hosts.map((h) => h.hostname).join(', '), allowed: 'AcmeChallenge.dnsRfc2136(...) or AcmeChallenge.dnsHook(...)' });
    }
    const mine = new Set(this.hosts);
    for (const other of this.node.root.node.findAll()) {
      if (other === this) break;
      if (!(other instanceof AcmeCertificate) || !other.hosts.some((h) => mine.has(h))) continue;
      if (other.name === this.name) r.error(`Certificate name ${this.name} is already used by ${other.node.path} on the same host`, { value: this.name, allowed: 'a distinct name' });
      else if (other.pemPath === this.pemPath) r.error(`pemPath ${this.pemPath} is already written by ${other.node.path}`, { value: this.pemPath, allowed: 'a distinct pemPath' });
    }
  }
}
