/**
 * Our ids, and Xero's, are UUIDs. Anything else that arrives where one belongs (a button value, a modal's
 * private_metadata, a webhook) was made up or mangled: it is refused before it reaches a query, where PostgreSQL
 * would reject it with an error instead of an answer.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}
