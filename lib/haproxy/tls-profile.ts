import { TlsModel } from './model';

const TLS13_SUITES = 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256';
const CURVES = 'X25519:prime256v1:secp384r1';
const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305', 'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256', 'DHE-RSA-AES256-GCM-SHA384', 'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/**
 * The TLS defaults of an HAProxy (`ssl-default-bind-*` and `ssl-default-server-*` in
 * `global`), after Mozilla's Server Side TLS guidelines, version 5.7.
 *
 * Version 5.7 on purpose: 6.0 adds the `X25519MLKEM768` group, which OpenSSL before 3.5 (Debian
 * 12, FreeBSD 14's base OpenSSL 3.0) rejects as a fatal configuration error. Server-side curves
 * are not set (`ssl-default-server-curves` needs HAProxy 2.9).
 *
 * @see https://ssl-config.mozilla.org/
 */
export class TlsProfile {
  /**
   * Mozilla "intermediate" (guideline 5.7): TLS 1.2 and 1.3, ECDHE (and DHE) AEAD suites,
   * no session tickets. The right default for a public site.
   */
  public static intermediate(): TlsProfile {
    return new TlsProfile('intermediate', {
      name: 'Mozilla intermediate (guideline 5.7), TLS 1.2 and 1.3',
      bindCurves: CURVES,
      bindCiphers: INTERMEDIATE_CIPHERS,
      bindCiphersuites: TLS13_SUITES,
      bindOptions: ['prefer-client-ciphers', 'ssl-min-ver', 'TLSv1.2', 'no-tls-tickets'],
      serverCiphers: INTERMEDIATE_CIPHERS,
      serverCiphersuites: TLS13_SUITES,
      serverOptions: ['ssl-min-ver', 'TLSv1.2', 'no-tls-tickets'],
    });
  }

  /**
   * Mozilla "modern" (guideline 5.7): TLS 1.3 only. For clients from 2019 on; backends must
   * speak TLS 1.3 as well when the servers use TLS.
   */
  public static modern(): TlsProfile {
    return new TlsProfile('modern', {
      name: 'Mozilla modern (guideline 5.7), TLS 1.3 only',
      bindCurves: CURVES,
      bindCiphersuites: TLS13_SUITES,
      bindOptions: ['prefer-client-ciphers', 'ssl-min-ver', 'TLSv1.3', 'no-tls-tickets'],
      serverCiphersuites: TLS13_SUITES,
      serverOptions: ['ssl-min-ver', 'TLSv1.3', 'no-tls-tickets'],
    });
  }

  /** The profile's name: `intermediate` or `modern`. */
  public readonly name: string;
  private readonly settings: TlsModel;

  private constructor(name: string, settings: TlsModel) {
    this.name = name;
    this.settings = settings;
  }

  /** @internal The global TLS settings this profile renders. */
  public _model(): TlsModel {
    return { ...this.settings, bindOptions: [...this.settings.bindOptions], serverOptions: [...this.settings.serverOptions] };
  }
}
