/** Xero advises about 40 IDs per request: the URL length is the real limit (reference/xero-api.md §1). */
export type XeroIdsPerRequest = number;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
