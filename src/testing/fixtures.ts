import { join } from 'node:path';

/** A file in `src/testing/fixtures/` (see its README for each file's source and licence). */
export function fixturePath(file: string): string {
  return join(import.meta.dirname, 'fixtures', file);
}
