import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { AppError } from '../../errors.js';

/**
 * AES-256-GCM for secrets at rest (OAuth token sets). Stored form: base64(iv[12] | tag[16] | ciphertext).
 * `keyId` (a hash prefix of the key) lets us say "encrypted with another key" instead of "corrupt".
 */
export interface SecretBox {
  readonly keyId: string;
  seal(plaintext: string, associatedData?: string): string;
  open(sealed: string, associatedData?: string): string;
  /** A 32-byte key for another purpose (e.g. signing OAuth state), derived with HKDF so the master key never leaves. */
  deriveKey(purpose: string): Buffer;
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 12);
}

export function createSecretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new AppError('ENCRYPTION_KEY_INVALID', 'encryption key must be 32 bytes');
  const keyId = keyIdOf(key);
  return {
    keyId,
    deriveKey(purpose) {
      return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `ar-copilot:${purpose}`, 32));
    },
    seal(plaintext, associatedData) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      if (associatedData) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
    },
    open(sealed, associatedData) {
      const raw = Buffer.from(sealed, 'base64');
      if (raw.length < 29) throw new AppError('SECRET_CORRUPT', 'sealed secret is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      if (associatedData) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
      try {
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch (cause) {
        throw new AppError(
          'SECRET_UNREADABLE',
          'secret could not be decrypted (wrong key or tampered data)',
          {
            cause,
          },
        );
      }
    },
  };
}
