import { Secret } from '../core/secret';
import { Problem, hasControl } from './private/sh';

/** Options of an ACME directory given by URL. */
export interface AcmeCaOptions {
  /**
   * External account binding key id (the CA's `eab_kid`), for CAs that require one.
   * @default - no external account binding
   */
  readonly eabKeyId?: Secret;
  /**
   * External account binding HMAC key (base64url, the CA's `eab_hmac_key`). Required with
   * `eabKeyId`.
   * @default - no external account binding
   */
  readonly eabHmacKey?: Secret;
  /**
   * Whether the CA's certificates name an OCSP responder, so that the responses are fetched and
   * stapled.
   * @default false
   */
  readonly ocsp?: boolean;
}

/** External account binding credentials of ZeroSSL (from the ZeroSSL dashboard, "Developer"). */
export interface ZeroSslOptions {
  /** The EAB key id. */
  readonly eabKeyId: Secret;
  /** The EAB HMAC key (base64url). */
  readonly eabHmacKey: Secret;
}

/**
 * The certificate authority an ACME certificate comes from: its directory URL and, where the
 * CA requires it, the external account binding (EAB).
 */
export class AcmeCa {
  /** Let's Encrypt production. It stopped OCSP in 2025: nothing to staple. */
  public static readonly LETS_ENCRYPT: AcmeCa = new AcmeCa('Let\'s Encrypt', 'https://acme-v02.api.letsencrypt.org/directory', false);

  /** Let's Encrypt staging (untrusted certificates, generous rate limits: for trying things out). */
  public static readonly LETS_ENCRYPT_STAGING: AcmeCa = new AcmeCa('Let\'s Encrypt staging', 'https://acme-staging-v02.api.letsencrypt.org/directory', false);

  /** ZeroSSL, with its external account binding. Its certificates name an OCSP responder. */
  public static zeroSsl(options: ZeroSslOptions): AcmeCa {
    return new AcmeCa('ZeroSSL', 'https://acme.zerossl.com/v2/DV90', true, options?.eabKeyId, options?.eabHmacKey, true);
  }

  /**
   * Any ACME (RFC 8555) directory, e.g. a company CA or a test CA. The URL must be `https://`;
   * it is checked by the certificate that uses it (with its construct path).
   */
  public static custom(directoryUrl: string, options?: AcmeCaOptions): AcmeCa {
    return new AcmeCa('custom', directoryUrl, options?.ocsp ?? false, options?.eabKeyId, options?.eabHmacKey, false);
  }

  /** A short name for messages (`Let's Encrypt`, `ZeroSSL`, `custom`). */
  public readonly label: string;
  /** The ACME directory URL. */
  public readonly directoryUrl: string;
  /** Whether OCSP responses are fetched and stapled. */
  public readonly ocsp: boolean;
  /** The EAB key id, if any. */
  public readonly eabKeyId?: Secret;
  /** The EAB HMAC key, if any. */
  public readonly eabHmacKey?: Secret;
  private readonly eabRequired: boolean;

  private constructor(label: string, url: string, ocsp: boolean, kid?: Secret, hmac?: Secret, eabRequired = false) {
    this.label = label;
    this.directoryUrl = url;
    this.ocsp = ocsp;
    this.eabKeyId = kid;
    this.eabHmacKey = hmac;
    this.eabRequired = eabRequired;
  }

  /** @internal What is wrong with this CA's settings (never a secret value). */
  public _problems(): Problem[] {
    const out: Problem[] = [];
    const u = this.directoryUrl;
    let parsed: URL | undefined;
    try {
      parsed = typeof u === 'string' && !hasControl(u) && !/\s/.test(u) ? new URL(u) : undefined;
    } catch {
      parsed = undefined;
    }
    const allowed = 'an https:// URL of an ACME directory, e.g. https://acme.example.net/directory';
    if (!parsed) out.push({ message: 'ACME directory URL is not a URL', value: String(u), allowed });
    else if (parsed.protocol !== 'https:') out.push({ message: 'ACME directory URL must use https', value: u, allowed });
    else if (parsed.username || parsed.password) out.push({ message: 'ACME directory URL must not carry credentials', value: '<redacted>', allowed });
    else if (parsed.hash) out.push({ message: 'ACME directory URL must not have a #fragment', value: u, allowed });
    else if (/['"\\$`]/.test(u)) out.push({ message: 'ACME directory URL must not contain quotes, $, ` or \\', value: u, allowed });
    const kid = this.eabKeyId !== undefined;
    const hmac = this.eabHmacKey !== undefined;
    if (kid !== hmac) out.push({ message: 'External account binding needs both eabKeyId and eabHmacKey', value: kid ? 'eabKeyId only' : 'eabHmacKey only', allowed: 'both Secrets, or neither' });
    if (this.eabRequired && (!kid || !hmac)) out.push({ message: `${this.label} requires external account binding`, value: 'no EAB credentials', allowed: 'AcmeCa.zeroSsl({ eabKeyId: Secret, eabHmacKey: Secret })' });
    for (const [name, s] of [['eabKeyId', this.eabKeyId], ['eabHmacKey', this.eabHmacKey]] as const) {
      if (s !== undefined && !(s instanceof Secret)) out.push({ message: `${name} must be a Secret`, value: '<redacted>', allowed: 'Secret.fromEnv(...), Secret.fromFile(...)' });
    }
    return out;
  }
}
