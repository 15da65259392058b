// Over 300 lines: Xero's where/order/paging language as the sandbox serves it: one parser and evaluator.
import type { ContactRec, CreditRec, InvoiceRec, PaymentRec } from './model.js';
import type { ResourceName } from './store.js';
import { centsToAmount } from './wire-format.js';

/**
 * Xero's list query language, the subset the product uses: `where` clauses joined by AND, list parameters
 * (Statuses, IDs, ContactIDs, InvoiceNumbers), `order`, If-Modified-Since and paging. Anything outside the
 * subset is refused with a 400 rather than silently ignored, so a client bug cannot pass unnoticed.
 */

export class QueryError extends Error {}

type Rec = ContactRec | InvoiceRec | PaymentRec | CreditRec;
type Value = string | number | boolean;
type Getter = (r: Rec) => Value | null;

const inv = (f: (r: InvoiceRec) => Value | null): Getter => f as Getter;
const con = (f: (r: ContactRec) => Value | null): Getter => f as Getter;
const pay = (f: (r: PaymentRec) => Value | null): Getter => f as Getter;
const cre = (f: (r: CreditRec) => Value | null): Getter => f as Getter;

const creditFields: Record<string, Getter> = {
  Type: cre((r) => r.type),
  Status: cre((r) => r.status),
  'Contact.ContactID': cre((r) => r.contact.id),
  'Contact.Name': cre((r) => r.contact.name),
  Date: cre((r) => r.date),
  Reference: cre((r) => r.reference),
  RemainingCredit: cre((r) => centsToAmount(r.remainingCents)),
};

/** Field names per resource, as Xero spells them in `where`, with how to read each from a record. */
const FIELDS: Record<ResourceName, Record<string, Getter>> = {
  Invoices: {
    Type: inv((r) => r.type),
    Status: inv((r) => r.status),
    'Contact.ContactID': inv((r) => r.contact.id),
    'Contact.Name': inv((r) => r.contact.name),
    'Contact.ContactNumber': inv((r) => r.contact.contactNumber),
    InvoiceID: inv((r) => r.id),
    InvoiceId: inv((r) => r.id),
    InvoiceNumber: inv((r) => r.number),
    Reference: inv((r) => r.reference),
    Date: inv((r) => r.date),
    DueDate: inv((r) => r.dueDate),
    AmountDue: inv((r) => centsToAmount(r.amountDueCents)),
    AmountPaid: inv((r) => centsToAmount(r.amountPaidCents)),
    CurrencyCode: inv((r) => r.currency),
  },
  Contacts: {
    Name: con((r) => r.name),
    EmailAddress: con((r) => r.email),
    AccountNumber: con((r) => r.accountNumber),
    ContactNumber: con((r) => r.contactNumber),
    ContactID: con((r) => r.id),
    ContactStatus: con((r) => r.status),
    IsCustomer: con((r) => r.invoices.some((i) => i.type === 'ACCREC') || r.credits.length > 0),
    IsSupplier: con((r) => r.invoices.some((i) => i.type === 'ACCPAY')),
  },
  Payments: {
    PaymentType: pay((r) => r.type),
    Status: pay((r) => r.status),
    Date: pay((r) => r.date),
    Reference: pay((r) => r.reference),
    PaymentID: pay((r) => r.id),
    'Invoice.InvoiceID': pay((r) => r.invoice.id),
    'Invoice.Type': pay((r) => r.invoice.type),
    'Invoice.Contact.ContactID': pay((r) => r.invoice.contact.id),
  },
  CreditNotes: { ...creditFields, CreditNoteNumber: cre((r) => r.number), CreditNoteID: cre((r) => r.id) },
  Overpayments: { ...creditFields, OverpaymentID: cre((r) => r.id) },
  Prepayments: { ...creditFields, PrepaymentID: cre((r) => r.id) },
};

const ID_FIELD: Record<ResourceName, string> = {
  Invoices: 'InvoiceID',
  Contacts: 'ContactID',
  Payments: 'PaymentID',
  CreditNotes: 'CreditNoteID',
  Overpayments: 'OverpaymentID',
  Prepayments: 'PrepaymentID',
};

type Op = '==' | '!=' | '>=' | '<=' | '>' | '<';
interface Clause {
  field: string;
  get: Getter;
  op: Op;
  value: Value | null;
}

const CLAUSE_RE = /^([A-Za-z][A-Za-z.]*)\s*(==|!=|>=|<=|>|<)\s*(.+)$/;

function parseValue(text: string): Value | null {
  const t = text.trim();
  let m = /^"((?:[^"\\]|\\.)*)"$/.exec(t);
  if (m) return (m[1] ?? '').replace(/\\(.)/g, '$1');
  m = /^[Gg]uid\(\s*"([0-9a-fA-F-]{36})"\s*\)$/.exec(t);
  if (m) return (m[1] ?? '').toLowerCase();
  m =
    /^DateTime\(\s*(\d{4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})\s*(?:,\s*\d{1,2}\s*,\s*\d{1,2}\s*,\s*\d{1,2}\s*)?\)$/.exec(
      t,
    );
  if (m) return `${m[1]}-${(m[2] ?? '').padStart(2, '0')}-${(m[3] ?? '').padStart(2, '0')}`;
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  throw new QueryError(`Unsupported value in where clause: ${t}`);
}

/** Splits on AND outside quotes. OR is refused: Xero optimises it only on IDs, and the product never needs it. */
function splitAnd(where: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < where.length; i++) {
    const ch = where[i];
    if (ch === '"' && where[i - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth > 0) continue;
    const rest = where.slice(i);
    const m = /^(\s+AND\s+|\s*&&\s*)/i.exec(rest);
    if (m && i > start) {
      parts.push(where.slice(start, i));
      i += m[0].length - 1;
      start = i + 1;
    } else if (/^(\s+OR\s+|\s*\|\|\s*)/i.test(rest)) {
      throw new QueryError('OR is not supported by the sandbox where parser');
    }
  }
  parts.push(where.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

export function parseWhere(resource: ResourceName, where: string): Clause[] {
  const fields = FIELDS[resource];
  return splitAnd(where).map((part) => {
    let text = part;
    while (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
    const m = CLAUSE_RE.exec(text);
    if (!m) throw new QueryError(`Unsupported where clause: ${part}`);
    const field = m[1] as string;
    const get = fields[field];
    if (!get)
      throw new QueryError(`No property or field '${field}' exists in type '${resource.replace(/s$/, '')}'`);
    return { field, get, op: m[2] as Op, value: parseValue(m[3] as string) };
  });
}

function compare(a: Value | null, op: Op, b: Value | null): boolean {
  if (op === '==')
    return (
      a === b ||
      (typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase() && isGuid(b))
    );
  if (op === '!=') return a !== b;
  if (a === null || b === null) return false;
  switch (op) {
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '<':
      return a < b;
  }
}

function isGuid(s: string): boolean {
  return /^[0-9a-f-]{36}$/i.test(s);
}

export interface ListQuery {
  where: Clause[];
  statuses: Set<string> | null;
  ids: Set<string> | null;
  contactIds: Set<string> | null;
  invoiceNumbers: Set<string> | null;
  includeArchived: boolean;
  /** Lower-cased; Invoices: InvoiceNumber, Reference; Contacts: names, ContactNumber, EmailAddress. */
  searchTerm: string | null;
  order: { field: string; get: Getter; desc: boolean }[] | null;
  /** Records must have UpdatedDateUTC at or after this (ms): the second after If-Modified-Since. */
  updatedFromMs: number | null;
}

function csv(v: string | null): Set<string> | null {
  if (v === null || v === '') return null;
  return new Set(
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );
}

/**
 * If-Modified-Since is accurate to the second (reference/xero-api.md §1): a record qualifies when its
 * UpdatedDateUTC, truncated to the second, is later than the header's second.
 */
export function parseIfModifiedSince(header: string | undefined): number | null {
  if (!header) return null;
  const ms = Date.parse(header);
  if (Number.isNaN(ms)) throw new QueryError(`Invalid If-Modified-Since header: ${header}`);
  return (Math.floor(ms / 1000) + 1) * 1000;
}

export function parseListQuery(
  resource: ResourceName,
  params: URLSearchParams,
  ims: string | undefined,
): ListQuery {
  const where = params.get('where');
  const orderText = params.get('order');
  let order: ListQuery['order'] = null;
  if (orderText) {
    const fields: Record<string, Getter> = { ...FIELDS[resource], UpdatedDateUTC: (r: Rec) => r.updatedMs };
    order = orderText.split(',').map((part) => {
      const m = /^\s*([A-Za-z.]+)(?:\s+(ASC|DESC))?\s*$/i.exec(part);
      const get = m ? fields[m[1] as string] : undefined;
      if (!m || !get) throw new QueryError(`Unsupported order: ${part.trim()}`);
      return { field: m[1] as string, get, desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' };
    });
  }
  return {
    where: where ? parseWhere(resource, where) : [],
    statuses: csv(params.get('Statuses')),
    ids: csv(params.get('IDs'))
      ? new Set([...(csv(params.get('IDs')) as Set<string>)].map((s) => s.toLowerCase()))
      : null,
    contactIds: csv(params.get('ContactIDs')),
    invoiceNumbers: csv(params.get('InvoiceNumbers')),
    includeArchived: params.get('includeArchived') === 'true',
    searchTerm: params.get('searchTerm')?.trim().toLowerCase() || null,
    order,
    updatedFromMs: parseIfModifiedSince(ims),
  };
}

/** The filters of a query other than paging, as a cache key. */
export function filterKey(resource: ResourceName, params: URLSearchParams, ims: string | undefined): string {
  const p = new URLSearchParams(params);
  p.delete('page');
  p.delete('pageSize');
  p.delete('summaryOnly');
  p.delete('unitdp');
  p.sort();
  return `${resource}?${p.toString()}|${ims ?? ''}`;
}

function firstAtOrAfter(sorted: readonly Rec[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as Rec).updatedMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function matchesSearch(r: Rec, term: string): boolean {
  const has = (v: string | null | undefined) => (v ?? '').toLowerCase().includes(term);
  if ('invoices' in r) {
    return has(r.name) || has(r.firstName) || has(r.lastName) || has(r.contactNumber) || has(r.email);
  }
  if ('dueDate' in r) return has(r.number) || has(r.reference);
  return false;
}

/** Applies a query to records already sorted by (UpdatedDateUTC, ID); binary-searches If-Modified-Since. */
export function runQuery<T extends Rec>(resource: ResourceName, sorted: readonly T[], q: ListQuery): T[] {
  const start = q.updatedFromMs === null ? 0 : firstAtOrAfter(sorted, q.updatedFromMs);
  const idGet = FIELDS[resource][ID_FIELD[resource]] as Getter;
  const statusGet = FIELDS[resource].Status ?? FIELDS[resource].ContactStatus;
  const plain =
    q.where.length === 0 &&
    !q.statuses &&
    !q.ids &&
    !q.contactIds &&
    !q.invoiceNumbers &&
    !q.searchTerm &&
    (resource !== 'Contacts' || q.includeArchived);
  let out: T[];
  if (plain) out = sorted.slice(start);
  else {
    out = [];
    for (let i = start; i < sorted.length; i++) {
      const r = sorted[i] as T;
      if (resource === 'Contacts' && !q.includeArchived && (r as ContactRec).status === 'ARCHIVED') continue;
      if (q.statuses && statusGet && !q.statuses.has(String(statusGet(r)))) continue;
      if (q.ids && !q.ids.has(String(idGet(r)).toLowerCase())) continue;
      if (q.contactIds && resource === 'Invoices' && !q.contactIds.has((r as InvoiceRec).contact.id))
        continue;
      if (q.invoiceNumbers && resource === 'Invoices' && !q.invoiceNumbers.has((r as InvoiceRec).number))
        continue;
      if (q.searchTerm && !matchesSearch(r, q.searchTerm)) continue;
      let ok = true;
      for (const c of q.where) {
        if (!compare(c.get(r), c.op, c.value)) {
          ok = false;
          break;
        }
      }
      if (ok) out.push(r);
    }
  }
  if (q.order) {
    const order = q.order;
    out = [...out].sort((a, b) => {
      for (const o of order) {
        const x = o.get(a);
        const y = o.get(b);
        if (x === y) continue;
        if (x === null) return o.desc ? 1 : -1;
        if (y === null) return o.desc ? -1 : 1;
        const c = x < y ? -1 : 1;
        return o.desc ? -c : c;
      }
      return String(idGet(a)) < String(idGet(b)) ? -1 : 1;
    });
  }
  return out;
}

/** page is 1-based; pageSize defaults to 100 and is clamped to 1..1000 like Xero. */
export function pageOf(params: URLSearchParams): { page: number; pageSize: number } {
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const raw = Number.parseInt(params.get('pageSize') ?? '100', 10);
  const pageSize = Math.min(1000, Math.max(1, Number.isNaN(raw) ? 100 : raw));
  return { page, pageSize };
}
