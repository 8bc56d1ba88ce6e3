/** What a `Certificate` names. */
export enum CertificateKind {
  /** One PEM file with the certificate, its key and the intermediates (`crt <file>`). */
  FILE = 'file',
  /** A directory of such PEM files. HAProxy picks one by SNI (`crt <dir>/`). */
  DIRECTORY = 'directory',
  /** A crt-list file: one certificate per line with its SNI filters (`crt-list <file>`). */
  CRT_LIST = 'crt-list',
}

/**
 * Certificates an HTTPS bind serves. The files are not managed by cdkbsd (they come from
 * Let's Encrypt, ZeroSSL, … and exist on the hosts); the path must be absolute, which the
 * frontend checks with its construct path.
 */
export class Certificate {
  /** A PEM file holding the certificate chain and the private key, e.g. `/usr/local/etc/ssl/example.net.pem`. */
  public static fromFile(path: string): Certificate {
    return new Certificate(CertificateKind.FILE, path);
  }

  /**
   * A directory of PEM files (e.g. wildcard certificates for several domains); HAProxy loads
   * them all and chooses by SNI, e.g. `/usr/local/etc/haproxy/certs/`.
   */
  public static fromDirectory(path: string): Certificate {
    return new Certificate(CertificateKind.DIRECTORY, path);
  }

  /** A crt-list file (`<pem> [options] [sni filters]` per line). */
  public static fromCrtList(path: string): Certificate {
    return new Certificate(CertificateKind.CRT_LIST, path);
  }

  /** What the path names. */
  public readonly kind: CertificateKind;
  /** The path on the host. */
  public readonly path: string;

  private constructor(kind: CertificateKind, path: string) {
    this.kind = kind;
    this.path = path;
  }

  /** @internal Why the path is not usable, or undefined. */
  public _problem(): string | undefined {
    if (typeof this.path !== 'string' || !this.path.startsWith('/')) return 'Certificate path must be absolute';
    // eslint-disable-next-line no-control-regex
    if (/[\x00-\x1f\x7f]/.test(this.path)) return 'Certificate path must not contain control characters';
    if (/[\s#'"\\$]/.test(this.path)) return 'Certificate path must not contain blanks, quotes, #, $ or \\';
    if (this.path.split('/').some((s) => s === '..' || s === '.')) return 'Certificate path must not contain . or .. segments';
    if (this.kind !== CertificateKind.DIRECTORY && this.path.endsWith('/')) return 'Certificate file path ends with "/" (use Certificate.fromDirectory for a directory)';
    return undefined;
  }
}
