// Over 300 lines: scoring, tiers, reasons and overrides for every customer are one ranking function and its explanation.
import {
  type CollectionsSignals,
  isInvoiceDisputed,
  NO_SIGNALS,
  openDisputesByContact,
  pausedUntilOf,
} from './collections-signals.js';
import { effectiveTier, type TierOverrideMark } from './customer-overrides.js';
import type { InvoiceRisk } from './late-payment-risk.js';
import type { IsoDate } from './ledger.js';
import { type Decimal, dec } from './money.js';
import {
  formatBaseUnits,
  formatUnits,
  formatUnitsForTeam,
  roundUnits,
  scaleUnits,
  type Units,
  unitsOf,
} from './money-units.js';
import type { BehaviourModel, PayerBehaviour } from './payer-behaviour.js';
import type { LedgerSnapshot } from './point-in-time.js';

/**
 * Whom to chase first. Per open invoice:
 *   cash at risk = base amount due × risk (P(still unpaid in 30 days))
 *   score        = cash at risk × age factor,  age factor = 1 + min(days overdue, 180) ÷ 90 (1 when not overdue)
 * Old debt is harder to collect than its risk alone says, so it weighs up to 3×. Per customer the score is the
 * sum over their open invoices, × humanFactor (1.5) when the customer needs a human: a balance at or above
 * `largeBalance`, `brokenPromisesForHuman` or more broken promises, or an open dispute. Tiers compare scores
 * (base currency) with configurable thresholds; an invoice's own tier uses its score × its customer's factor.
 *
 * Every figure is printed beside the invoices it sums, so each invoice's cash at risk and score is rounded to the
 * base currency's minor unit, and a customer's figures are the sums of those (never a rounded unrounded sum,
 * which can differ from its lines by a cent).
 *
 * Customers with something overdue rank first, 1..n by score, then those with nothing overdue yet: the lists
 * people read (the digest, `/ar top`, App Home) show only the first kind, so their numbering has no gaps, and the
 * customer card's number is the one those lists show.
 */
export type PriorityTier = 'high' | 'medium' | 'low';

export interface PriorityOptions {
  /** Score (base currency) at or above which a customer/invoice is High, resp. Medium. */
  readonly thresholds?: { readonly high: Decimal; readonly medium: Decimal };
  readonly largeBalance?: Decimal;
  readonly brokenPromisesForHuman?: number;
  readonly humanFactor?: number;
}

export const DEFAULT_PRIORITY_OPTIONS = {
  thresholds: { high: '5000', medium: '1000' },
  largeBalance: '20000',
  brokenPromisesForHuman: 2,
  humanFactor: 1.5,
} as const satisfies Required<PriorityOptions>;

export const PRIORITY_DEFINITION =
  'score = base amount due × P(unpaid in 30 days) × (1 + min(days overdue, 180) ÷ 90), × 1.5 when the customer needs a human (large balance, ≥ 2 broken promises, open dispute); customer score = Σ invoice scores; tiers by score thresholds in base currency; customers with something overdue rank first.';

export interface InvoicePriority {
  readonly invoiceId: string;
  readonly invoiceNumber: string | null;
  readonly contactId: string;
  readonly contactName: string;
  readonly currency: string;
  readonly amountDue: Decimal;
  readonly baseAmountDue: Decimal;
  readonly dueDate: IsoDate;
  readonly daysOverdue: number;
  /** P(still unpaid 30 days after asOf), rounded to 4 dp. */
  readonly risk: number;
  readonly cashAtRiskBase: Decimal;
  readonly score: Decimal;
  readonly tier: PriorityTier;
  readonly customerTier: PriorityTier;
  readonly disputed: boolean;
  readonly reasons: readonly string[];
}

export interface CustomerPriority {
  /** 1..n over customers with something overdue (highest score first), then n + 1… over those with nothing overdue. */
  readonly rank: number;
  readonly contactId: string;
  readonly contactName: string;
  readonly score: Decimal;
  readonly tier: PriorityTier;
  /** Set when a manager chose `tier` by hand (customer-overrides.ts): who, and the tier the score gave. */
  readonly tierOverride?: TierOverrideMark;
  readonly balanceBase: Decimal;
  readonly overdueBase: Decimal;
  readonly cashAtRiskBase: Decimal;
  readonly invoiceCount: number;
  readonly overdueCount: number;
  readonly oldestDaysOverdue: number | null;
  readonly needsHuman: boolean;
  readonly brokenPromises: number;
  readonly openDisputes: number;
  readonly pausedUntil: IsoDate | null;
  /** 2–4 sentences a collector would accept. */
  readonly reasons: readonly string[];
  readonly invoices: readonly InvoicePriority[];
}

export interface PriorityList {
  readonly asOf: IsoDate;
  readonly baseCurrency: string;
  readonly definition: string;
  readonly thresholds: { readonly high: Decimal; readonly medium: Decimal };
  /** Highest score first. */
  readonly customers: readonly CustomerPriority[];
  /** Every open invoice, in customer order then by score. */
  readonly invoices: readonly InvoicePriority[];
}

/**
 * Something to chase: an overdue amount due. The lists people read (the digest, `/ar top`, App Home) show only
 * these customers, and the priority list ranks them first, 1..n.
 */
export function hasSomethingOverdue(c: Pick<CustomerPriority, 'overdueBase'>): boolean {
  return dec(c.overdueBase).gt(0);
}

export function ageFactor(dpd: number): number {
  return 1 + Math.min(Math.max(dpd, 0), 180) / 90;
}

function tierOf(score: Units, thresholds: { high: Units; medium: Units }): PriorityTier {
  return score >= thresholds.high ? 'high' : score >= thresholds.medium ? 'medium' : 'low';
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function historyReason(b: PayerBehaviour, orgLateShare: number): string {
  if (b.paidCount === 0) {
    return `no payment history yet (organisation average used: ${Math.round(orgLateShare * 100)}% paid late)`;
  }
  const { count, lateCount, meanDaysLate } = b.recent;
  if (lateCount === 0) return `paid on time the last ${plural(count, 'time')}`;
  const avg = meanDaysLate === null ? '' : `, ${Math.round(meanDaysLate)} days late on average`;
  return `paid late ${lateCount} of last ${plural(count, 'time')}${avg}`;
}

/** Per-invoice reasons repeat across 100k rows: one string per distinct value, not one per row. */
const DUE_REASONS = new Map<number, string>();
function dueReason(dpd: number): string {
  let text = DUE_REASONS.get(dpd);
  if (text === undefined) {
    text =
      dpd > 0 ? `${plural(dpd, 'day')} overdue` : dpd === 0 ? 'due today' : `due in ${plural(-dpd, 'day')}`;
    if (DUE_REASONS.size > 10_000) DUE_REASONS.clear();
    DUE_REASONS.set(dpd, text);
  }
  return text;
}
const RISK_REASONS = Array.from({ length: 101 }, (_, p) => `${p}% likely unpaid in 30 days`);
const riskReason = (risk: number) => RISK_REASONS[Math.min(100, Math.max(0, Math.round(risk * 100)))]!;

interface Ranked {
  readonly hasOverdue: boolean;
  readonly sortScore: Units;
  readonly row: { -readonly [K in keyof CustomerPriority]: CustomerPriority[K] };
}

/**
 * Per open invoice, figures go into typed arrays indexed like `risks`, and invoices are grouped by customer
 * with a counting sort: 100k invoices make no intermediate row objects, only the InvoicePriority rows returned.
 */
export function prioritise(
  snapshot: LedgerSnapshot,
  behaviour: BehaviourModel,
  risks: readonly InvoiceRisk[],
  signals: CollectionsSignals = NO_SIGNALS,
  options: PriorityOptions = {},
): PriorityList {
  const o = { ...DEFAULT_PRIORITY_OPTIONS, ...options };
  const { asOf, index } = snapshot;
  const baseCurrency = index.baseCurrency;
  // Reasons are read by the team (Slack, the CLI): NZ$, US$, never a bare $.
  const money = (v: Units) => formatUnitsForTeam(v, baseCurrency);
  const thresholds = { high: unitsOf(o.thresholds.high), medium: unitsOf(o.thresholds.medium) };
  const largeBalance = unitsOf(o.largeBalance);
  const openDisputes = openDisputesByContact(signals, asOf);

  const n = risks.length;
  const slotOf = new Map<string, number>();
  const contactIds: string[] = [];
  const slots = new Int32Array(n);
  const baseOf = new Float64Array(n);
  const atRiskOf = new Float64Array(n);
  const scoreOf = new Float64Array(n);
  /** Score × the customer's factor, rounded to the minor unit: what is printed, and what the customer's score sums. */
  const finalScoreOf = new Float64Array(n);
  const disputedOf = new Uint8Array(n);
  // Per customer, in order of first appearance (the order ties keep after sorting).
  const balance: Units[] = [];
  const overdue: Units[] = [];
  const atRiskSum: Units[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = risks[i]!;
    const position = r.position;
    const contactId = position.invoice.contactId;
    let slot = slotOf.get(contactId);
    if (slot === undefined) {
      slot = contactIds.length;
      slotOf.set(contactId, slot);
      contactIds.push(contactId);
      balance.push(0);
      overdue.push(0);
      atRiskSum.push(0);
      counts.push(0);
    }
    const base = position.outstandingBaseUnits;
    const dpd = position.daysOverdue;
    const atRisk = roundUnits(scaleUnits(base, r.risk), baseCurrency);
    const score = scaleUnits(atRisk, ageFactor(dpd));
    slots[i] = slot;
    baseOf[i] = base;
    atRiskOf[i] = atRisk;
    scoreOf[i] = score;
    disputedOf[i] = isInvoiceDisputed(openDisputes, contactId, position.invoice.id) ? 1 : 0;
    balance[slot]! += base;
    if (dpd > 0) overdue[slot]! += base;
    atRiskSum[slot]! += atRisk;
    counts[slot]!++;
  }
  // Invoice indices grouped by customer: customer `slot` owns order[first[slot] .. first[slot + 1]).
  const first = new Int32Array(contactIds.length + 1);
  for (let slot = 0; slot < contactIds.length; slot++) first[slot + 1] = first[slot]! + counts[slot]!;
  const order = new Int32Array(n);
  const cursor = first.slice(0, contactIds.length);
  for (let i = 0; i < n; i++) order[cursor[slots[i]!]!++] = i;
  const dpdOf = (i: number) => risks[i]!.position.daysOverdue;

  const customers: Ranked[] = new Array(contactIds.length);
  for (let slot = 0; slot < contactIds.length; slot++) {
    const contactId = contactIds[slot]!;
    const from = first[slot]!;
    const to = first[slot + 1]!;
    const invoiceCount = to - from;
    const b = behaviour.behaviourOf(contactId);
    const contactName = index.contactsById.get(contactId)?.name ?? '(unknown contact)';
    const isLarge = balance[slot]! >= largeBalance;
    const tooManyBroken = b.brokenPromises >= o.brokenPromisesForHuman;
    const needsHuman = isLarge || tooManyBroken || b.openDisputes > 0;
    const factor = needsHuman ? o.humanFactor : 1;
    let score = 0;
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      finalScoreOf[i] = roundUnits(scaleUnits(scoreOf[i]!, factor), baseCurrency);
      score += finalScoreOf[i]!;
    }
    // A manager's tier, when set, stands for the computed one until cleared; the rank stays the score's.
    const { tier, mark } = effectiveTier(tierOf(score, thresholds), signals.tierOverrides?.[contactId]);
    let overdueCount = 0;
    let oldestDpd = 0;
    let nextDue = Number.POSITIVE_INFINITY;
    for (let k = from; k < to; k++) {
      const dpd = dpdOf(order[k]!);
      if (dpd > 0) {
        overdueCount++;
        if (dpd > oldestDpd) oldestDpd = dpd;
      } else if (-dpd < nextDue) nextDue = -dpd;
    }
    const oldest = overdueCount > 0 ? oldestDpd : null;

    const reasons: string[] = [];
    if (overdueCount > 0) {
      reasons.push(
        overdueCount === 1
          ? `1 invoice ${oldest} days overdue${invoiceCount > 1 ? ` (${invoiceCount} open)` : ''}`
          : `${overdueCount} invoices overdue, oldest ${oldest} days`,
      );
    } else {
      reasons.push(
        `${plural(invoiceCount, 'invoice')} open, none overdue (next due ${nextDue === 0 ? 'today' : `in ${plural(nextDue, 'day')}`})`,
      );
    }
    reasons.push(`${money(atRiskSum[slot]!)} at risk of ${money(balance[slot]!)} open`);
    const flags: string[] = [];
    if (b.brokenPromises > 0) flags.push(`broke ${plural(b.brokenPromises, 'promise')} to pay`);
    if (b.openDisputes > 0) flags.push(`${plural(b.openDisputes, 'open dispute')}`);
    if (isLarge) flags.push(`large balance (${money(balance[slot]!)}): worth a call`);
    const history = historyReason(b, behaviour.organisation.lateShare);
    const extras: string[] = [];
    if (b.trend.direction === 'slower' && b.trend.changeDays !== null) {
      extras.push(`paying slower: ${Math.round(b.trend.changeDays)} days later than before`);
    }
    if (b.partPaymentShare !== null && b.partPaymentShare >= 0.5 && b.paidCount + b.openCount >= 3) {
      extras.push(`often pays in parts (${Math.round(b.partPaymentShare * 100)}% of invoices)`);
    }
    reasons.push(...flags, history, ...extras);
    const pausedUntil = pausedUntilOf(signals, contactId, asOf);
    if (pausedUntil) reasons.splice(1, 0, `chasing paused until ${pausedUntil}`);

    // Highest score first, then most overdue; a stable insertion sort (customers hold a handful of invoices).
    for (let k = from + 1; k < to; k++) {
      const i = order[k]!;
      let j = k - 1;
      while (j >= from) {
        const prev = order[j]!;
        const before = scoreOf[prev]! - scoreOf[i]! || dpdOf(prev) - dpdOf(i);
        if (before >= 0) break;
        order[j + 1] = prev;
        j--;
      }
      order[j + 1] = i;
    }
    const invoices: InvoicePriority[] = new Array(invoiceCount);
    for (let k = from; k < to; k++) {
      const i = order[k]!;
      const position = risks[i]!.position;
      const risk = risks[i]!.risk;
      const inv = position.invoice;
      const dpd = position.daysOverdue;
      const invoiceScore = finalScoreOf[i]!;
      const disputed = disputedOf[i] === 1;
      const why: string[] = [dueReason(dpd), riskReason(risk)];
      const outstanding = position.outstandingUnits;
      const amountDue = formatUnits(outstanding, inv.currency);
      if (position.settledUnits > 0) why.push('part-paid');
      if (disputed) why.push('disputed');
      invoices[k - from] = {
        invoiceId: inv.id,
        invoiceNumber: inv.number,
        contactId,
        contactName,
        currency: inv.currency,
        amountDue,
        baseAmountDue: formatBaseUnits(baseOf[i]!, baseCurrency, outstanding, inv.currency, amountDue),
        dueDate: inv.dueDate,
        daysOverdue: dpd,
        risk: Math.round(risk * 10_000) / 10_000,
        cashAtRiskBase: formatUnits(atRiskOf[i]!, baseCurrency),
        score: formatUnits(invoiceScore, baseCurrency),
        tier: tierOf(invoiceScore, thresholds),
        customerTier: tier,
        disputed,
        reasons: why,
      };
    }

    customers[slot] = {
      hasOverdue: overdue[slot]! > 0,
      sortScore: score,
      row: {
        rank: 0,
        contactId,
        contactName,
        score: formatUnits(score, baseCurrency),
        tier,
        ...(mark ? { tierOverride: mark } : {}),
        balanceBase: formatUnits(balance[slot]!, baseCurrency),
        overdueBase: formatUnits(overdue[slot]!, baseCurrency),
        cashAtRiskBase: formatUnits(atRiskSum[slot]!, baseCurrency),
        invoiceCount,
        overdueCount,
        oldestDaysOverdue: oldest,
        needsHuman,
        brokenPromises: b.brokenPromises,
        openDisputes: b.openDisputes,
        pausedUntil,
        reasons: reasons.slice(0, 4),
        invoices,
      },
    };
  }
  customers.sort(
    (a, b) =>
      Number(b.hasOverdue) - Number(a.hasOverdue) ||
      b.sortScore - a.sortScore ||
      a.row.contactName.localeCompare(b.row.contactName) ||
      a.row.contactId.localeCompare(b.row.contactId),
  );
  // Ranks are known once sorted; the rows are this function's own until returned.
  const ranked: CustomerPriority[] = new Array(customers.length);
  const invoices: InvoicePriority[] = new Array(n);
  let next = 0;
  for (let i = 0; i < customers.length; i++) {
    const row = customers[i]!.row;
    row.rank = i + 1;
    ranked[i] = row;
    for (const inv of row.invoices) invoices[next++] = inv;
  }
  return {
    asOf,
    baseCurrency,
    definition: PRIORITY_DEFINITION,
    thresholds: { high: dec(o.thresholds.high).toString(), medium: dec(o.thresholds.medium).toString() },
    customers: ranked,
    invoices,
  };
}
