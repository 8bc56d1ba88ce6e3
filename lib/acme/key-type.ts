/** The certificate's key. */
export enum AcmeKeyType {
  /** ECDSA on P-256 (prime256v1): small, fast, accepted everywhere that matters. */
  ECDSA_P256 = 'ecdsa-p256',
  /** ECDSA on P-384 (secp384r1). */
  ECDSA_P384 = 'ecdsa-p384',
  /** RSA with a 2048-bit key (for old clients). */
  RSA_2048 = 'rsa-2048',
  /** RSA with a 3072-bit key. */
  RSA_3072 = 'rsa-3072',
  /** RSA with a 4096-bit key. */
  RSA_4096 = 'rsa-4096',
}

/** @internal dehydrated's KEY_ALGO and KEYSIZE for a key type (undefined: not a key type). */
export function dehydratedKey(k: AcmeKeyType): { algo: string; size: number; openssl: string[] } | undefined {
  switch (k) {
    case AcmeKeyType.ECDSA_P256: return { algo: 'prime256v1', size: 2048, openssl: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] };
    case AcmeKeyType.ECDSA_P384: return { algo: 'secp384r1', size: 2048, openssl: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'] };
    case AcmeKeyType.RSA_2048: return { algo: 'rsa', size: 2048, openssl: ['-newkey', 'rsa:2048'] };
    case AcmeKeyType.RSA_3072: return { algo: 'rsa', size: 3072, openssl: ['-newkey', 'rsa:3072'] };
    case AcmeKeyType.RSA_4096: return { algo: 'rsa', size: 4096, openssl: ['-newkey', 'rsa:4096'] };
    default: return undefined;
  }
}
