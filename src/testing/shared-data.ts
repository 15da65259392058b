import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Path of a file in the project's shared data folder (`shared/data/`), which sits beside the repository: next
 * to a clone in CI, two levels up from a worktree. Searched upwards so both layouts work.
 */
export function sharedDataPath(file: string): string {
  let dir = resolve(import.meta.dirname, '../..');
  for (let depth = 0; depth < 4; depth++) {
    const candidate = join(dir, '..', 'shared', 'data', file);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    `shared/data/${file} not found beside the repository (looked upwards from ${import.meta.dirname})`,
  );
}
