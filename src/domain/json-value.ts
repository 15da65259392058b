import type { z } from 'zod';

/**
 * Text that should hold JSON of `schema`'s shape (a button's value, a modal's metadata: they come back from the
 * client): the value, or null when it is missing, not JSON, or not that shape.
 */
export function parseJsonAs<T>(schema: z.ZodType<T>, text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
