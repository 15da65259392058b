import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEY_FILE_NAME, resolveEncryptionKey } from './key-file.js';
import { createSecretBox } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(Buffer.alloc(32, 1));

  it('round-trips and never stores the plaintext', () => {
    const sealed = box.seal('{"refresh_token":"rt-123"}', 'org-1');
    expect(sealed).not.toContain('rt-123');
    expect(box.open(sealed, 'org-1')).toBe('{"refresh_token":"rt-123"}');
  });

  it('uses a fresh IV each time', () => {
    expect(box.seal('same')).not.toBe(box.seal('same'));
  });

  it('refuses tampered data, another key, or another binding', () => {
    const sealed = box.seal('secret', 'org-1');
    const raw = Buffer.from(sealed, 'base64');
    raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 1;
    expect(() => box.open(raw.toString('base64'), 'org-1')).toThrow(/could not be decrypted/);
    expect(() => createSecretBox(Buffer.alloc(32, 2)).open(sealed, 'org-1')).toThrow(/wrong key/);
    expect(() => box.open(sealed, 'org-2')).toThrow(/could not be decrypted/);
  });
});

describe('resolveEncryptionKey', () => {
  it('prefers the configured key', () => {
    const key = Buffer.alloc(32, 9);
    expect(resolveEncryptionKey(key, '/nonexistent').source).toBe('environment');
  });

  it('generates a key once under DATA_DIR with 0600 and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    const first = resolveEncryptionKey(null, dir);
    expect(first.source).toBe('generated');
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    const second = resolveEncryptionKey(null, dir);
    expect(second.source).toBe('key-file');
    expect(second.key.equals(first.key)).toBe(true);
  });

  it('refuses a key file that is not 32 bytes rather than silently replacing it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'key-'));
    writeFileSync(join(dir, KEY_FILE_NAME), 'c2hvcnQ=\n', { mode: 0o600 });
    expect(() => resolveEncryptionKey(null, dir)).toThrow(/32-byte/);
    expect(readFileSync(join(dir, KEY_FILE_NAME), 'utf8')).toBe('c2hvcnQ=\n');
  });
});
