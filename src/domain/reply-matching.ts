/**
 * Whose reply is this? A customer's email is matched to an organisation, a customer and invoices, strongest
 * evidence first (issue #18): the thread headers against our reminders' Message-IDs, then invoice numbers in the
 * subject and text against open invoices, then the sender's address, then the sender's domain when exactly one
 * customer uses it. Anything ambiguous is left to a person (a triage card), never guessed.
 */

export type ReplyMatchMethod = 'thread' | 'invoice_number' | 'sender_address' | 'sender_domain' | 'none';

export interface CustomerRef {
  readonly orgId: string;
  readonly contactId: string;
}

/** A reminder of ours named in the reply's In-Reply-To or References. */
export interface ThreadHit extends CustomerRef {
  readonly reminderId: string;
  readonly messageId: string;
  readonly invoiceIds: readonly string[];
}

/** An open invoice whose number appears in the reply. */
export interface InvoiceHit extends CustomerRef {
  readonly invoiceId: string;
  readonly number: string;
}

export interface MatchEvidence {
  /** Message-IDs from the headers, most telling first (see threadMessageIds). */
  readonly threadIds: readonly string[];
  readonly thread: readonly ThreadHit[];
  readonly invoices: readonly InvoiceHit[];
  /** Customers whose address (own, a person's, or our reminder-address override) is the sender's. */
  readonly senderAddress: readonly CustomerRef[];
  /** Customers with an address at the sender's domain (empty for free-mail domains). */
  readonly senderDomain: readonly CustomerRef[];
}

export type ReplyMatch =
  | {
      readonly method: Exclude<ReplyMatchMethod, 'none'>;
      readonly orgId: string;
      readonly contactId: string;
      readonly reminderId: string | null;
      readonly invoiceIds: readonly string[];
      /** Why, in a few words (shown to collectors). */
      readonly note: string;
    }
  | { readonly method: 'none'; readonly note: string };

export function matchReply(e: MatchEvidence): ReplyMatch {
  // 1. Thread: the reminder the customer answered. In-Reply-To first, then References from the newest.
  for (const id of e.threadIds) {
    const hit = e.thread.find((t) => t.messageId === id);
    if (hit) {
      return {
        method: 'thread',
        orgId: hit.orgId,
        contactId: hit.contactId,
        reminderId: hit.reminderId,
        invoiceIds: hit.invoiceIds,
        note: 'a reply to our reminder',
      };
    }
  }
  const bySender = new Set(e.senderAddress.map(keyOf));
  // 2. Invoice numbers (quoted reminder text counts: it still names the customer's invoices).
  if (e.invoices.length > 0) {
    let customers = uniqueCustomers(e.invoices);
    // Several customers (or organisations) share the numbers: the sender's address may tell which one.
    if (customers.length > 1) customers = customers.filter((c) => bySender.has(keyOf(c)));
    if (customers.length === 1) {
      const c = customers[0]!;
      const mine = e.invoices.filter((i) => keyOf(i) === keyOf(c));
      return {
        method: 'invoice_number',
        orgId: c.orgId,
        contactId: c.contactId,
        reminderId: null,
        invoiceIds: unique(mine.map((i) => i.invoiceId)),
        note: `invoice ${unique(mine.map((i) => i.number)).join(', ')} named in the reply`,
      };
    }
    const numbers = unique(e.invoices.map((i) => i.number)).join(', ');
    const orgs = new Set(e.invoices.map((i) => i.orgId)).size;
    return {
      method: 'none',
      note:
        orgs > 1
          ? `invoice ${numbers} exists in ${orgs} organisations`
          : `invoice numbers ${numbers} belong to different customers`,
    };
  }
  // 3. The sender's address.
  const senders = uniqueCustomers(e.senderAddress);
  if (senders.length === 1) {
    return {
      method: 'sender_address',
      ...senders[0]!,
      reminderId: null,
      invoiceIds: [],
      note: "the sender's address is the customer's",
    };
  }
  if (senders.length > 1) {
    return { method: 'none', note: `the sender's address belongs to ${senders.length} customers` };
  }
  // 4. The sender's domain, when exactly one customer of one organisation uses it.
  const domains = uniqueCustomers(e.senderDomain);
  if (domains.length === 1) {
    return {
      method: 'sender_domain',
      ...domains[0]!,
      reminderId: null,
      invoiceIds: [],
      note: "the sender's domain is the customer's",
    };
  }
  if (domains.length > 1) {
    return { method: 'none', note: `the sender's domain is used by ${domains.length} customers` };
  }
  return { method: 'none', note: 'no reminder, invoice number or address of a customer matches' };
}

/**
 * Message-IDs a reply names, most telling first: In-Reply-To, then References from the newest (the last one is
 * the message answered). Normalised to `<local@domain>`, duplicates dropped, at most 50.
 */
export function threadMessageIds(inReplyTo: string | null, references: readonly string[]): string[] {
  const idsIn = (raw: string) =>
    [...raw.matchAll(/<([^<>\s]+)>|([^<>\s,]+@[^<>\s,]+)/g)].map((m) => `<${m[1] ?? m[2]}>`);
  const ordered = [...(inReplyTo ? idsIn(inReplyTo) : []), ...references.flatMap(idsIn).reverse()];
  return [...new Set(ordered)].slice(0, 50);
}

const MAX_CANDIDATES = 200;

/**
 * Words that could be invoice numbers ("INV-0042", "SI/2026/17", "10423"), upper-cased: a token with a digit,
 * letters and digits joined by - / _ or . (a trailing full stop is punctuation). Plain numbers need 3 digits
 * at least (days and small counts are not invoice numbers); amounts with separators never come out whole.
 */
export function invoiceNumberCandidates(...texts: readonly (string | null)[]): string[] {
  const out = new Set<string>();
  for (const text of texts) {
    if (!text) continue;
    for (const m of text.matchAll(/[A-Za-z0-9]+(?:[-/_.#][A-Za-z0-9]+)*/g)) {
      const token = m[0];
      if (token.length > 40 || !/\d/.test(token)) continue;
      if (/^\d+$/.test(token) && token.length < 3) continue;
      out.add(token.toUpperCase());
      // "INV-0042." and "#INV-0042" come out clean; "INV-0042/INV-0043" also as its parts.
      for (const part of token.split('/')) if (part !== token && /\d/.test(part)) out.add(part.toUpperCase());
      if (out.size >= MAX_CANDIDATES) return [...out];
    }
  }
  return [...out];
}

/** Free-mail domains say nothing about which customer wrote. */
export const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'hotmail.co.uk',
  'live.com',
  'msn.com',
  'yahoo.com',
  'yahoo.co.uk',
  'yahoo.co.nz',
  'ymail.com',
  'icloud.com',
  'me.com',
  'mac.com',
  'aol.com',
  'proton.me',
  'protonmail.com',
  'gmx.com',
  'gmx.net',
  'mail.com',
  'zoho.com',
  'xtra.co.nz',
  'bigpond.com',
  'fastmail.com',
]);

export function emailDomainOf(address: string | null): string | null {
  const at = address?.lastIndexOf('@') ?? -1;
  if (!address || at < 1) return null;
  const domain = address
    .slice(at + 1)
    .trim()
    .toLowerCase();
  return /^[a-z0-9.-]+\.[a-z]{2,}$/.test(domain) ? domain : null;
}

export function isFreeMailDomain(domain: string): boolean {
  return FREE_MAIL_DOMAINS.has(domain.toLowerCase());
}

/**
 * An automatic answer (out of office, vacation, delivery report): still captured, since "away until the 20th"
 * matters to a collector, but never answered automatically (RFC 3834).
 */
export function isAutoReply(input: {
  readonly autoSubmitted: string | null;
  readonly subject: string | null;
  readonly precedence?: string | null;
  readonly autoResponseSuppress?: string | null;
}): boolean {
  const auto = input.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no') return true;
  if (/^(auto_reply|bulk|junk)$/i.test(input.precedence?.trim() ?? '')) return true;
  if (input.autoResponseSuppress && /\b(all|oof|autoreply)\b/i.test(input.autoResponseSuppress)) return true;
  return /\b(out of (the )?office|automatic reply|auto[- ]?reply|autoreply|on vacation|on leave)\b/i.test(
    input.subject ?? '',
  );
}

/**
 * The reply's own words for a Slack notice: quoted lines and everything from "On … wrote:" (or a forwarded or
 * original-message marker) down are dropped, whitespace collapsed, cut at `max` characters.
 */
export function replyExcerpt(text: string, max = 280): string {
  const lines: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*>/.test(line)) continue;
    if (/^\s*On .{3,200} wrote:\s*$/i.test(line)) break;
    if (/^\s*-{2,}\s*(Original Message|Forwarded message)\s*-{2,}/i.test(line)) break;
    if (/^\s*From: .+/.test(line) && lines.length > 0) break;
    lines.push(line);
  }
  const own = lines.join(' ').replace(/\s+/g, ' ').trim();
  const body = own || text.replace(/\s+/g, ' ').trim();
  return body.length <= max ? body : `${body.slice(0, max - 1).trimEnd()}…`;
}

function keyOf(c: CustomerRef): string {
  return `${c.orgId}\u0000${c.contactId}`;
}

function uniqueCustomers(refs: readonly CustomerRef[]): CustomerRef[] {
  const seen = new Map<string, CustomerRef>();
  for (const r of refs)
    if (!seen.has(keyOf(r))) seen.set(keyOf(r), { orgId: r.orgId, contactId: r.contactId });
  return [...seen.values()];
}

function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}
