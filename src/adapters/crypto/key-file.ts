import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../errors.js';

export const KEY_FILE_NAME = 'encryption.key';

export interface ResolvedKey {
  readonly key: Buffer;
  readonly source: 'environment' | 'generated' | 'key-file';
  readonly path?: string;
}

/**
 * ENCRYPTION_KEY when set; otherwise (embedded default only) a key generated once under DATA_DIR with
 * 0600 permissions, so tokens stored by one run can be read by the next.
 */
export function resolveEncryptionKey(configured: Buffer | null, dataDir: string): ResolvedKey {
  if (configured) return { key: configured, source: 'environment' };
  const dir = resolve(dataDir);
  const path = join(dir, KEY_FILE_NAME);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'base64');
    if (key.length !== 32) {
      throw new AppError('ENCRYPTION_KEY_FILE_INVALID', `${path} does not hold a 32-byte base64 key`);
    }
    if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    return { key, source: 'key-file', path };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  try {
    // 'wx': if another process created it first, fail and read theirs instead of overwriting.
    writeFileSync(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return resolveEncryptionKey(null, dataDir);
    throw err;
  }
  return { key, source: 'generated', path };
}
