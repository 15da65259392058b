import { addMonths, isIsoDate } from './calendar.js';
import type { IsoDate } from './ledger.js';
import { Big, type Decimal, dec, minorUnits, ZERO } from './money.js';

/**
 * Payment plans (#18 part 5): a customer's balance paid in instalments, each a dated amount. A collector proposes
 * one (from a reply asking for it, or on their own), a manager approves it, and each instalment is then tracked
 * as a promise to pay. Pure: the use-case stores what these functions decide.
 */
export interface Instalment {
  readonly due: IsoDate;
  readonly amount: Decimal;
}

/** A plan longer than a year or in more than 24 parts is a renegotiation, not a reminder tool's job. */
export const MAX_INSTALMENTS = 24;
export const MAX_PLAN_MONTHS = 12;
export const DEFAULT_INSTALMENTS = 3;

/**
 * An even split of `balance` into `count` monthly instalments from `first`, in the currency's minor units; the
 * last instalment takes the rounding, so the lines always add up to the balance exactly.
 */
export function proposeInstalments(
  balance: Decimal,
  currency: string,
  first: IsoDate,
  count: number = DEFAULT_INSTALMENTS,
): Instalment[] {
  const n = Math.max(1, Math.min(MAX_INSTALMENTS, Math.floor(count)));
  const dp = minorUnits(currency);
  const total = dec(balance);
  const each = total.div(n).round(dp, Big.roundDown);
  const lines: Instalment[] = [];
  for (let k = 0; k < n; k++) {
    const amount = k === n - 1 ? total.minus(each.times(n - 1)) : each;
    lines.push({ due: addMonths(first, k), amount: amount.toFixed(dp) });
  }
  return lines;
}

/** The form's text: one instalment a line, "YYYY-MM-DD amount". */
export function instalmentsText(lines: readonly Instalment[]): string {
  return lines.map((l) => `${l.due} ${l.amount}`).join('\n');
}

export type PlanCheck =
  | { readonly ok: true; readonly instalments: readonly Instalment[] }
  | { readonly ok: false; readonly error: string };

const LINE = /^(\d{4}-\d{2}-\d{2})\s+([0-9][0-9,]*(?:\.\d+)?)$/;

/**
 * Reads and checks a proposed schedule against the balance it must settle: every line a date and an amount,
 * dates strictly rising, none before `asOf` nor more than a year after it, amounts positive in the currency's
 * minor units, at most MAX_INSTALMENTS, and the whole adding up to the balance to the cent. The first problem is
 * reported in words a collector can act on.
 */
export function checkInstalments(text: string, balance: Decimal, currency: string, asOf: IsoDate): PlanCheck {
  const raw = text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l.length > 0);
  if (raw.length === 0)
    return { ok: false, error: 'Enter at least one instalment: a date and an amount a line.' };
  if (raw.length > MAX_INSTALMENTS)
    return {
      ok: false,
      error: `A plan can have at most ${MAX_INSTALMENTS} instalments (got ${raw.length}).`,
    };
  const dp = minorUnits(currency);
  const latestAllowed = addMonths(asOf, MAX_PLAN_MONTHS);
  const lines: Instalment[] = [];
  let total = ZERO;
  for (const [i, line] of raw.entries()) {
    const m = LINE.exec(line);
    const where = `Line ${i + 1} ("${line.slice(0, 40)}")`;
    if (!m) return { ok: false, error: `${where} must be a date and an amount, like 2026-12-20 500.00.` };
    const [, due, amountText] = m as unknown as [string, string, string];
    if (!isIsoDate(due)) return { ok: false, error: `${where}: ${due} is not a date.` };
    if (due < asOf) return { ok: false, error: `${where}: ${due} is in the past.` };
    if (due > latestAllowed)
      return { ok: false, error: `${where}: ${due} is more than ${MAX_PLAN_MONTHS} months away.` };
    const previous = lines.at(-1);
    if (previous && due <= previous.due)
      return { ok: false, error: `${where}: the dates must rise (${due} is not after ${previous.due}).` };
    const amount = dec(amountText.replace(/,/g, ''));
    if (amount.lte(0)) return { ok: false, error: `${where}: an instalment must be more than zero.` };
    if (!amount.round(dp).eq(amount))
      return { ok: false, error: `${where}: ${currency} amounts have at most ${dp} decimal places.` };
    total = total.plus(amount);
    lines.push({ due, amount: amount.toFixed(dp) });
  }
  if (!total.eq(dec(balance)))
    return {
      ok: false,
      error: `The instalments add up to ${total.toFixed(dp)} ${currency}; the balance is ${dec(balance).toFixed(dp)} ${currency}.`,
    };
  return { ok: true, instalments: lines };
}

export type InstalmentOutcome = 'pending' | 'kept' | 'part_kept' | 'broken' | 'cancelled' | 'rescheduled';
export type PlanState = 'on_track' | 'completed' | 'broken';

/**
 * Where an approved plan stands from its instalments' outcomes: broken as soon as one instalment is broken or
 * only part kept (the agreement was to pay each in full); completed when every instalment is kept; on track
 * otherwise.
 */
export function planState(outcomes: readonly InstalmentOutcome[]): PlanState {
  if (outcomes.some((o) => o === 'broken' || o === 'part_kept')) return 'broken';
  if (outcomes.length > 0 && outcomes.every((o) => o === 'kept')) return 'completed';
  return 'on_track';
}

export interface OpenInvoiceRef {
  readonly invoiceId: string;
  readonly number: string | null;
  readonly amountDue: Decimal;
  readonly currency: string;
}

export interface PlanScope {
  readonly invoiceIds: readonly string[];
  readonly numbers: readonly string[];
  readonly currency: string;
  readonly balance: Decimal;
}

/**
 * What a plan settles: the invoices a reply named, when any is still open, else the customer's open invoices;
 * in one currency (a plan is paid in one), the one with most to pay when the customer owes in several. Null when
 * nothing is open.
 */
export function planScope(open: readonly OpenInvoiceRef[], named: readonly string[] = []): PlanScope | null {
  const namedOpen = open.filter((i) => named.includes(i.invoiceId));
  const pool = namedOpen.length > 0 ? namedOpen : open;
  const byCurrency = new Map<string, OpenInvoiceRef[]>();
  for (const i of pool) {
    const list = byCurrency.get(i.currency);
    if (list) list.push(i);
    else byCurrency.set(i.currency, [i]);
  }
  let best: { currency: string; invoices: OpenInvoiceRef[]; total: Big } | null = null;
  for (const [currency, invoices] of byCurrency) {
    const total = invoices.reduce((t, i) => t.plus(dec(i.amountDue)), ZERO);
    if (total.lte(0)) continue;
    if (!best || total.gt(best.total) || (total.eq(best.total) && currency < best.currency))
      best = { currency, invoices, total };
  }
  if (!best) return null;
  return {
    invoiceIds: best.invoices.map((i) => i.invoiceId),
    numbers: best.invoices.map((i) => i.number ?? i.invoiceId),
    currency: best.currency,
    balance: best.total.toFixed(minorUnits(best.currency)),
  };
}
