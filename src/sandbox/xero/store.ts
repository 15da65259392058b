// Over 300 lines: the simulated organisation's records and their invariants (allocations, statuses, history) in one store.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { findIana } from 'windows-iana';
import type {
  AllocationRec,
  ContactGroupRec,
  ContactRec,
  CreditKind,
  CreditRec,
  HistoryKind,
  HistoryRec,
  InvoiceRec,
  LineAmountTypes,
  LineRec,
  OrgRec,
  PaymentRec,
  PersonRec,
  PhoneRec,
  TermsRec,
} from './model.js';
import { centsToDecimal, type Day, dayToUtcMs, toCents, utcMsToDay } from './wire-format.js';

export type ResourceName =
  | 'Contacts'
  | 'Invoices'
  | 'Payments'
  | 'CreditNotes'
  | 'Overpayments'
  | 'Prepayments';
type Indexed = ContactRec | InvoiceRec | PaymentRec | CreditRec;

interface SortedIndex {
  items: Indexed[];
  dirty: boolean;
}

export type Money = string | number;

export interface NewOrganisation {
  tenantId?: string;
  name: string;
  baseCurrency?: string;
  countryCode?: string;
  timezone?: string;
  isDemoCompany?: boolean;
  version?: OrgRec['version'];
  salesTerms?: TermsRec;
  invoiceRemindersEnabled?: boolean;
  emailDailyLimit?: number;
  shortCode?: string;
  createdAt?: Date;
  /** Deterministic ids for generated organisations. */
  organisationId?: string;
}

export interface NewContact {
  tenantId?: string;
  id?: string;
  name: string;
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
  accountNumber?: string | null;
  contactNumber?: string | null;
  persons?: PersonRec[];
  phones?: PhoneRec[];
  salesTerms?: TermsRec | null;
  defaultCurrency?: string | null;
  website?: string | null;
  groupIds?: string[];
  /** Stamp for UpdatedDateUTC; defaults to the sandbox clock. */
  at?: Date;
}

export interface NewLine {
  id?: string;
  description: string;
  quantity?: number;
  unitAmount: Money;
  accountCode?: string;
  /** Tax on this line (Exclusive/Inclusive lines); NoTax lines carry none. */
  taxAmount?: Money;
  taxType?: string;
}

export interface NewInvoice {
  id?: string;
  contactId: string;
  type?: 'ACCREC' | 'ACCPAY';
  number?: string;
  reference?: string | null;
  date: Day;
  /** Defaults to the contact's (or organisation's) sales terms. */
  dueDate?: Day;
  currency?: string;
  /** Foreign units per 1 unit of base currency (Xero's CurrencyRate); 1 for base-currency invoices. */
  rate?: number;
  /** A single NoTax line of this amount, or explicit lines. */
  amount?: Money;
  lines?: NewLine[];
  lineAmountTypes?: LineAmountTypes;
  status?: 'DRAFT' | 'SUBMITTED' | 'AUTHORISED';
  expectedPaymentDate?: Day | null;
  sentToContact?: boolean;
  at?: Date;
}

export interface NewPayment {
  id?: string;
  date: Day;
  amount: Money;
  reference?: string | null;
  rate?: number;
  isReconciled?: boolean;
  at?: Date;
}

export interface NewCredit {
  id?: string;
  contactId: string;
  date: Day;
  amount?: Money;
  lines?: NewLine[];
  lineAmountTypes?: LineAmountTypes;
  currency?: string;
  rate?: number;
  reference?: string | null;
  number?: string;
  status?: 'DRAFT' | 'AUTHORISED';
  at?: Date;
}

export interface ContactBalance {
  outstanding: string;
  overdue: string;
}

const RESOURCES: ResourceName[] = [
  'Contacts',
  'Invoices',
  'Payments',
  'CreditNotes',
  'Overpayments',
  'Prepayments',
];

const CREDIT_RESOURCE: Record<CreditKind, ResourceName> = {
  creditnote: 'CreditNotes',
  overpayment: 'Overpayments',
  prepayment: 'Prepayments',
};

const CREDIT_TYPE: Record<CreditKind, CreditRec['type']> = {
  creditnote: 'ACCRECCREDIT',
  overpayment: 'RECEIVE-OVERPAYMENT',
  prepayment: 'RECEIVE-PREPAYMENT',
};

function byUpdatedThenId(a: Indexed, b: Indexed): number {
  return a.updatedMs - b.updatedMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Xero's four payment-term rules, applied to an invoice date. */
export function dueDateFor(date: Day, terms: TermsRec): Day {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ymd = (year: number, month: number, day: number) => {
    const yy = year + Math.floor((month - 1) / 12);
    const mm = ((month - 1) % 12) + 1;
    const dd = Math.min(day, lastDayOfMonth(yy, mm));
    return `${yy}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
  };
  switch (terms.type) {
    case 'DAYSAFTERBILLDATE':
      return utcMsToDay(dayToUtcMs(date) + terms.day * 86_400_000);
    case 'DAYSAFTERBILLMONTH':
      return utcMsToDay(dayToUtcMs(ymd(y, m, 31)) + terms.day * 86_400_000);
    case 'OFCURRENTMONTH':
      return terms.day >= d ? ymd(y, m, terms.day) : ymd(y, m + 1, terms.day);
    case 'OFFOLLOWINGMONTH':
      return ymd(y, m + 1, terms.day);
  }
}

/** Maps a Windows zone name (how Xero names time zones) to IANA for calendar maths. */
const ianaCache = new Map<string, string>();

export function ianaZoneOf(windowsName: string): string {
  let zone = ianaCache.get(windowsName);
  if (zone === undefined) {
    zone = findIana(windowsName)[0] ?? 'UTC';
    ianaCache.set(windowsName, zone);
  }
  return zone;
}

/**
 * The in-memory Xero: organisations and their documents, with every derived figure kept consistent and
 * every mutation bumping UpdatedDateUTC where Xero would. Test helpers mutate through here.
 */
export class SandboxStore {
  private readonly orgs = new Map<string, OrgRec>();
  private readonly indexes = new Map<string, Record<ResourceName, SortedIndex>>();
  private readonly versions = new Map<string, number>();
  private readonly contactNames = new Map<string, Set<string>>();
  private fixedNow: Date | null = null;
  private todayCache: { key: string; day: Day } | null = null;
  /** Generators set this so line items carry derived ids instead of one stored UUID each (memory). */
  deriveLineIds = false;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  // ── clock ──────────────────────────────────────────────────────────────────────────────────────

  now(): Date {
    return this.fixedNow ?? this.clock();
  }

  /** Pins the sandbox clock (null returns to the configured clock). Token expiry follows it too. */
  setNow(date: Date | null): void {
    this.fixedNow = date;
  }

  /** The organisation-local calendar date of the sandbox clock. */
  today(tenantId: string): Day {
    const org = this.org(tenantId);
    const nowMs = this.now().getTime();
    // Serving a page asks for "today" once per contact: remember the answer for the current second.
    const key = `${tenantId}|${Math.floor(nowMs / 1000)}`;
    if (this.todayCache?.key === key) return this.todayCache.day;
    const day = DateTime.fromMillis(nowMs, { zone: ianaZoneOf(org.timezone) }).toISODate() as string;
    this.todayCache = { key, day };
    return day;
  }

  // ── reads ──────────────────────────────────────────────────────────────────────────────────────

  tenantIds(): string[] {
    return [...this.orgs.keys()];
  }

  org(tenantId: string): OrgRec {
    const org = this.orgs.get(tenantId);
    if (!org) throw new Error(`unknown tenant ${tenantId}`);
    return org;
  }

  hasTenant(tenantId: string): boolean {
    return this.orgs.has(tenantId);
  }

  contact(id: string): ContactRec {
    const org = this.ownerOf(id);
    const c = org?.contacts.get(id);
    if (!c) throw new Error(`unknown contact ${id}`);
    return c;
  }

  invoice(id: string): InvoiceRec {
    const inv = this.ownerOf(id)?.invoices.get(id);
    if (!inv) throw new Error(`unknown invoice ${id}`);
    return inv;
  }

  payment(id: string): PaymentRec {
    const p = this.ownerOf(id)?.payments.get(id);
    if (!p) throw new Error(`unknown payment ${id}`);
    return p;
  }

  credit(id: string): CreditRec {
    const c = this.ownerOf(id)?.credits.get(id);
    if (!c) throw new Error(`unknown credit note, overpayment or prepayment ${id}`);
    return c;
  }

  tenantOf(id: string): string {
    const org = this.ownerOf(id);
    if (!org) throw new Error(`unknown record ${id}`);
    return org.tenantId;
  }

  /** Changes whenever anything in the organisation changes; lets the server cache filtered lists. */
  version(tenantId: string): number {
    return this.versions.get(tenantId) ?? 0;
  }

  /** Records of one resource ordered by (UpdatedDateUTC, ID): Xero's default, stable paging order. */
  sorted(tenantId: string, resource: 'Contacts'): readonly ContactRec[];
  sorted(tenantId: string, resource: 'Invoices'): readonly InvoiceRec[];
  sorted(tenantId: string, resource: 'Payments'): readonly PaymentRec[];
  sorted(tenantId: string, resource: 'CreditNotes' | 'Overpayments' | 'Prepayments'): readonly CreditRec[];
  sorted(tenantId: string, resource: ResourceName): readonly Indexed[];
  sorted(tenantId: string, resource: ResourceName): readonly Indexed[] {
    const idx = this.indexOf(tenantId)[resource];
    if (idx.dirty) {
      idx.items.sort(byUpdatedThenId);
      idx.dirty = false;
    }
    return idx.items;
  }

  /**
   * AccountsReceivable Outstanding/Overdue of a contact as Xero reports them: authorised ACCREC invoices' amounts
   * due, overdue when the due date is before `asOf` (default: the organisation's today). Contact currency.
   */
  contactBalances(contactId: string, asOf?: Day): { receivable: ContactBalance; payable: ContactBalance } {
    return this.balancesOf(this.contact(contactId), asOf);
  }

  balancesOf(contact: ContactRec, asOf?: Day): { receivable: ContactBalance; payable: ContactBalance } {
    const today = asOf ?? this.today(contact.tenantId);
    let arOut = 0;
    let arOver = 0;
    let apOut = 0;
    let apOver = 0;
    for (const inv of contact.invoices) {
      if (inv.status !== 'AUTHORISED' || inv.amountDueCents <= 0) continue;
      const overdue = inv.dueDate < today;
      if (inv.type === 'ACCREC') {
        arOut += inv.amountDueCents;
        if (overdue) arOver += inv.amountDueCents;
      } else {
        apOut += inv.amountDueCents;
        if (overdue) apOver += inv.amountDueCents;
      }
    }
    return {
      receivable: { outstanding: centsToDecimal(arOut), overdue: centsToDecimal(arOver) },
      payable: { outstanding: centsToDecimal(apOut), overdue: centsToDecimal(apOver) },
    };
  }

  /**
   * Per-contact AccountsReceivable Outstanding/Overdue for every contact with a receivable (contact currency),
   * the figures a full sync must reproduce.
   */
  receivablesByContact(tenantId: string, asOf?: Day): Map<string, ContactBalance & { currency: string }> {
    const org = this.org(tenantId);
    const today = asOf ?? this.today(tenantId);
    const out = new Map<string, ContactBalance & { currency: string }>();
    for (const c of org.contacts.values()) {
      const { receivable } = this.balancesOf(c, today);
      if (receivable.outstanding === '0.00') continue;
      out.set(c.id, { ...receivable, currency: c.defaultCurrency ?? org.baseCurrency });
    }
    return out;
  }

  /** History as Xero shows it: the record's creation entry followed by the notes added since. */
  getHistory(kind: HistoryKind, id: string): HistoryRec[] {
    const org = this.ownerOf(id);
    if (!org) throw new Error(`unknown record ${id}`);
    const created = this.creationEntry(kind, id);
    return [created, ...(org.history.get(`${kind}:${id}`) ?? [])];
  }

  // ── organisations ──────────────────────────────────────────────────────────────────────────────

  addOrganisation(input: NewOrganisation): OrgRec {
    const tenantId = input.tenantId ?? randomUUID();
    if (this.orgs.has(tenantId)) throw new Error(`tenant ${tenantId} exists`);
    const org: OrgRec = {
      tenantId,
      organisationId: input.organisationId ?? randomUUID(),
      name: input.name,
      legalName: input.name,
      shortCode: input.shortCode ?? `!${tenantId.replace(/-/g, '').slice(0, 5)}`,
      baseCurrency: input.baseCurrency ?? 'NZD',
      countryCode: input.countryCode ?? 'NZ',
      timezone: input.timezone ?? 'New Zealand Standard Time',
      isDemoCompany: input.isDemoCompany ?? false,
      version: input.version ?? 'NZ',
      salesTerms: input.salesTerms ?? { day: 20, type: 'OFFOLLOWINGMONTH' },
      billsTerms: { day: 20, type: 'OFFOLLOWINGMONTH' },
      invoiceRemindersEnabled: input.invoiceRemindersEnabled ?? false,
      emailDailyLimit: input.emailDailyLimit ?? (input.isDemoCompany ? 0 : 1000),
      createdMs: (input.createdAt ?? this.now()).getTime(),
      contacts: new Map(),
      invoices: new Map(),
      payments: new Map(),
      credits: new Map(),
      groups: new Map(),
      history: new Map(),
      emailsSent: [],
      habits: new Map(),
      nextInvoiceNumber: 1,
      nextCreditNoteNumber: 1,
    };
    this.orgs.set(tenantId, org);
    const idx = {} as Record<ResourceName, SortedIndex>;
    for (const r of RESOURCES) idx[r] = { items: [], dirty: false };
    this.indexes.set(tenantId, idx);
    return org;
  }

  addContactGroup(tenantId: string, name: string, id: string = randomUUID()): ContactGroupRec {
    const group: ContactGroupRec = { id, name, status: 'ACTIVE' };
    this.org(tenantId).groups.set(id, group);
    this.changed(tenantId);
    return group;
  }

  // ── contacts ───────────────────────────────────────────────────────────────────────────────────

  addContact(input: NewContact): ContactRec {
    const org = this.org(input.tenantId ?? this.firstTenant());
    const at = this.stamp(input.at);
    // Xero: contact names are unique within an organisation, archived contacts included.
    const names = this.contactNames.get(org.tenantId) ?? new Set<string>();
    this.contactNames.set(org.tenantId, names);
    if (names.has(input.name)) throw new Error(`a contact named ${input.name} already exists`);
    names.add(input.name);
    const contact: ContactRec = {
      id: input.id ?? randomUUID(),
      tenantId: org.tenantId,
      updatedMs: at,
      name: input.name,
      firstName: input.firstName ?? null,
      lastName: input.lastName ?? null,
      email: input.email ?? null,
      accountNumber: input.accountNumber ?? null,
      contactNumber: input.contactNumber ?? null,
      status: 'ACTIVE',
      persons: input.persons ?? [],
      phones: input.phones ?? [],
      groupIds: input.groupIds ?? [],
      salesTerms: input.salesTerms ?? null,
      defaultCurrency: input.defaultCurrency ?? null,
      mergedToId: null,
      website: input.website ?? null,
      invoices: [],
      credits: [],
      createdMs: at,
    };
    org.contacts.set(contact.id, contact);
    this.register(org, contact, 'Contacts');
    return contact;
  }

  /** Edits plain contact fields (name, email, persons…); bumps UpdatedDateUTC like an edit in Xero. */
  updateContact(
    id: string,
    patch: Partial<
      Pick<
        ContactRec,
        'name' | 'email' | 'firstName' | 'lastName' | 'persons' | 'phones' | 'salesTerms' | 'accountNumber'
      >
    >,
    opts: { at?: Date } = {},
  ): ContactRec {
    const c = this.contact(id);
    if (patch.name !== undefined && patch.name !== c.name) {
      const names = this.contactNames.get(this.tenantOf(id)) ?? new Set<string>();
      if (names.has(patch.name)) throw new Error(`a contact named ${patch.name} already exists`);
      names.delete(c.name);
      names.add(patch.name);
    }
    Object.assign(c, patch);
    this.touch(c, 'Contacts', opts.at);
    return c;
  }

  archiveContact(id: string, opts: { at?: Date } = {}): ContactRec {
    const c = this.contact(id);
    c.status = 'ARCHIVED';
    this.touch(c, 'Contacts', opts.at);
    return c;
  }

  /** Adds the contact to a group. Whether Xero bumps the contact is unverified; we assume it does. */
  addToGroup(contactId: string, groupId: string): void {
    const c = this.contact(contactId);
    if (!this.org(c.tenantId).groups.has(groupId)) throw new Error(`unknown group ${groupId}`);
    if (c.groupIds.includes(groupId)) return;
    c.groupIds.push(groupId);
    this.touch(c, 'Contacts');
  }

  removeFromGroup(contactId: string, groupId: string): void {
    const c = this.contact(contactId);
    if (!c.groupIds.includes(groupId)) return;
    c.groupIds = c.groupIds.filter((g) => g !== groupId);
    this.touch(c, 'Contacts');
  }

  /** Renames a group, or deletes it (Xero: POST with Status DELETED); a deleted group drops its members. */
  updateContactGroup(
    tenantId: string,
    groupId: string,
    patch: { name?: string; status?: 'ACTIVE' | 'DELETED' },
  ) {
    const group = this.org(tenantId).groups.get(groupId);
    if (!group) throw new Error(`unknown group ${groupId}`);
    if (patch.name !== undefined) group.name = patch.name;
    if (patch.status === 'DELETED') {
      group.status = 'DELETED';
      for (const c of this.org(tenantId).contacts.values()) this.removeFromGroup(c.id, groupId);
    }
    this.changed(tenantId);
    return group;
  }

  /**
   * Xero's merge: the merged contact becomes ARCHIVED with MergedToContactID, and its invoices and credits move
   * to the surviving contact, each bumped (they now show another Contact).
   */
  mergeContacts(fromId: string, intoId: string, opts: { at?: Date } = {}): void {
    const from = this.contact(fromId);
    const into = this.contact(intoId);
    if (this.tenantOf(fromId) !== this.tenantOf(intoId)) throw new Error('contacts are in different tenants');
    if (fromId === intoId) throw new Error('cannot merge a contact into itself');
    for (const inv of from.invoices) {
      inv.contact = into;
      into.invoices.push(inv);
      this.touch(inv, 'Invoices', opts.at);
    }
    for (const cr of from.credits) {
      cr.contact = into;
      into.credits.push(cr);
      this.touch(cr, CREDIT_RESOURCE[cr.kind], opts.at);
    }
    from.invoices = [];
    from.credits = [];
    from.status = 'ARCHIVED';
    from.mergedToId = into.id;
    this.touch(from, 'Contacts', opts.at);
    this.touch(into, 'Contacts', opts.at);
  }

  // ── invoices ───────────────────────────────────────────────────────────────────────────────────

  addInvoice(input: NewInvoice): InvoiceRec {
    const contact = this.contact(input.contactId);
    const org = this.org(contact.tenantId);
    const at = this.stamp(input.at);
    const currency = input.currency ?? contact.defaultCurrency ?? org.baseCurrency;
    const rate = input.rate ?? 1;
    if (currency === org.baseCurrency && rate !== 1) throw new Error('a base-currency invoice has rate 1');
    const built = this.buildLines(input.lines, input.amount, input.lineAmountTypes);
    const type = input.type ?? 'ACCREC';
    const number = input.number ?? (type === 'ACCREC' ? this.nextInvoiceNumber(org) : '');
    const inv: InvoiceRec = {
      id: input.id ?? randomUUID(),
      updatedMs: at,
      type,
      number,
      reference: input.reference ?? null,
      contact,
      date: input.date,
      dueDate: input.dueDate ?? dueDateFor(input.date, contact.salesTerms ?? org.salesTerms),
      expectedPaymentDate: input.expectedPaymentDate ?? null,
      currency,
      rate,
      lineAmountTypes: built.lineAmountTypes,
      lines: built.lines,
      subTotalCents: built.subTotal,
      taxCents: built.tax,
      totalCents: built.total,
      baseStatus: input.status ?? 'AUTHORISED',
      status: 'AUTHORISED',
      amountPaidCents: 0,
      amountCreditedCents: 0,
      amountDueCents: built.total,
      fullyPaidOn: null,
      payments: [],
      allocations: [],
      sentToContact: input.sentToContact ?? false,
      createdMs: at,
    };
    this.recomputeInvoice(inv);
    org.invoices.set(inv.id, inv);
    contact.invoices.push(inv);
    this.register(org, inv, 'Invoices');
    return inv;
  }

  authoriseInvoice(id: string, opts: { at?: Date } = {}): InvoiceRec {
    const inv = this.invoice(id);
    if (inv.baseStatus !== 'DRAFT' && inv.baseStatus !== 'SUBMITTED')
      throw new Error(`cannot authorise ${inv.status}`);
    inv.baseStatus = 'AUTHORISED';
    this.recomputeInvoice(inv);
    this.touch(inv, 'Invoices', opts.at);
    return inv;
  }

  /** Xero refuses to void an invoice that has payments or allocations: remove them first. */
  voidInvoice(id: string, opts: { at?: Date } = {}): InvoiceRec {
    const inv = this.invoice(id);
    if (inv.baseStatus !== 'AUTHORISED')
      throw new Error(`only AUTHORISED invoices can be voided (is ${inv.status})`);
    if (inv.amountPaidCents > 0 || inv.amountCreditedCents > 0) {
      throw new Error('invoice has payments or allocations; delete them before voiding');
    }
    inv.baseStatus = 'VOIDED';
    this.recomputeInvoice(inv);
    this.touch(inv, 'Invoices', opts.at);
    return inv;
  }

  deleteInvoice(id: string, opts: { at?: Date } = {}): InvoiceRec {
    const inv = this.invoice(id);
    if (inv.baseStatus !== 'DRAFT' && inv.baseStatus !== 'SUBMITTED') {
      throw new Error('only DRAFT or SUBMITTED invoices can be deleted');
    }
    inv.baseStatus = 'DELETED';
    this.recomputeInvoice(inv);
    this.touch(inv, 'Invoices', opts.at);
    return inv;
  }

  /**
   * Moves the due date. Xero does NOT bump UpdatedDateUTC for a DueDate change on a part-paid invoice
   * (reference/xero-api.md §"Gotchas" 3), so by default this bumps only when nothing has been paid or credited.
   */
  changeDueDate(id: string, dueDate: Day, opts: { bumpUpdated?: boolean; at?: Date } = {}): InvoiceRec {
    const inv = this.invoice(id);
    inv.dueDate = dueDate;
    const partPaid = inv.amountPaidCents + inv.amountCreditedCents > 0;
    if (opts.bumpUpdated ?? !partPaid) this.touch(inv, 'Invoices', opts.at);
    else this.changed(this.tenantOf(id));
    return inv;
  }

  setExpectedPaymentDate(id: string, day: Day | null, opts: { at?: Date } = {}): InvoiceRec {
    const inv = this.invoice(id);
    inv.expectedPaymentDate = day;
    this.touch(inv, 'Invoices', opts.at);
    return inv;
  }

  // ── payments ───────────────────────────────────────────────────────────────────────────────────

  addPayment(invoiceId: string, input: NewPayment): PaymentRec {
    const inv = this.invoice(invoiceId);
    const org = this.org(inv.contact.tenantId);
    const amount = toCents(input.amount);
    if (inv.status !== 'AUTHORISED') throw new Error(`cannot pay an invoice that is ${inv.status}`);
    if (amount <= 0) throw new Error('payment amount must be positive');
    // Xero: "Payment amount exceeds the amount outstanding on this document".
    if (amount > inv.amountDueCents) throw new Error('payment exceeds the amount outstanding');
    const at = this.stamp(input.at);
    const payment: PaymentRec = {
      id: input.id ?? randomUUID(),
      updatedMs: at,
      invoice: inv,
      date: input.date,
      amountCents: amount,
      rate: input.rate ?? inv.rate,
      reference: input.reference ?? null,
      status: 'AUTHORISED',
      type: inv.type === 'ACCREC' ? 'ACCRECPAYMENT' : 'ACCPAYPAYMENT',
      isReconciled: input.isReconciled ?? false,
      createdMs: at,
    };
    inv.payments.push(payment);
    org.payments.set(payment.id, payment);
    this.register(org, payment, 'Payments');
    this.recomputeInvoice(inv);
    this.touch(inv, 'Invoices', input.at);
    return payment;
  }

  /** Xero keeps a deleted payment (Status DELETED) and restores the invoice's AmountDue; both are bumped. */
  deletePayment(paymentId: string, opts: { at?: Date } = {}): PaymentRec {
    const p = this.payment(paymentId);
    if (p.status === 'DELETED') throw new Error('payment already deleted');
    p.status = 'DELETED';
    this.touch(p, 'Payments', opts.at);
    this.recomputeInvoice(p.invoice);
    this.touch(p.invoice, 'Invoices', opts.at);
    return p;
  }

  // ── credit notes, overpayments, prepayments ────────────────────────────────────────────────────

  addCreditNote(input: NewCredit): CreditRec {
    return this.addCredit('creditnote', input);
  }

  addOverpayment(input: NewCredit): CreditRec {
    return this.addCredit('overpayment', input);
  }

  addPrepayment(input: NewCredit): CreditRec {
    return this.addCredit('prepayment', input);
  }

  allocateCreditNote(
    creditNoteId: string,
    invoiceId: string,
    amount: Money,
    date: Day,
    opts: { at?: Date; id?: string } = {},
  ) {
    return this.allocate('creditnote', creditNoteId, invoiceId, amount, date, opts);
  }

  allocateOverpayment(
    overpaymentId: string,
    invoiceId: string,
    amount: Money,
    date: Day,
    opts: { at?: Date; id?: string } = {},
  ) {
    return this.allocate('overpayment', overpaymentId, invoiceId, amount, date, opts);
  }

  allocatePrepayment(
    prepaymentId: string,
    invoiceId: string,
    amount: Money,
    date: Day,
    opts: { at?: Date; id?: string } = {},
  ) {
    return this.allocate('prepayment', prepaymentId, invoiceId, amount, date, opts);
  }

  // ── history and email (used by the server) ─────────────────────────────────────────────────────

  /**
   * Adds a note as the API does (User "System Generated"). Whether Xero bumps the document's UpdatedDateUTC for
   * a note is unverified (reference/xero-api.md §4); the sandbox does not, so our own notes cannot echo back.
   */
  addHistoryNote(kind: HistoryKind, id: string, details: string, opts: { at?: Date } = {}): HistoryRec {
    const org = this.ownerOf(id);
    if (!org) throw new Error(`unknown record ${id}`);
    this.creationEntry(kind, id);
    const rec: HistoryRec = {
      changes: 'Note',
      dateMs: this.stamp(opts.at),
      user: 'System Generated',
      details,
    };
    const key = `${kind}:${id}`;
    const list = org.history.get(key) ?? [];
    list.push(rec);
    org.history.set(key, list);
    return rec;
  }

  /** Records that Xero emailed the invoice; SentToContact flips without a bump (a known Xero hole). */
  recordInvoiceEmail(invoiceId: string, idempotencyKey: string | null = null): void {
    const inv = this.invoice(invoiceId);
    const tenantId = this.tenantOf(invoiceId);
    this.org(tenantId).emailsSent.push({
      invoiceId,
      day: this.today(tenantId),
      at: this.now().getTime(),
      idempotencyKey,
    });
    inv.sentToContact = true;
    this.changed(tenantId);
  }

  emailsSentToday(tenantId: string): number {
    const today = this.today(tenantId);
    return this.org(tenantId).emailsSent.filter((e) => e.day === today).length;
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────────

  private addCredit(kind: CreditKind, input: NewCredit): CreditRec {
    const contact = this.contact(input.contactId);
    const org = this.org(contact.tenantId);
    const at = this.stamp(input.at);
    const built = this.buildLines(input.lines, input.amount, input.lineAmountTypes);
    const credit: CreditRec = {
      id: input.id ?? randomUUID(),
      kind,
      updatedMs: at,
      number:
        kind === 'creditnote'
          ? (input.number ?? `CN-${String(org.nextCreditNoteNumber++).padStart(5, '0')}`)
          : null,
      type: CREDIT_TYPE[kind],
      reference: input.reference ?? null,
      contact,
      date: input.date,
      currency: input.currency ?? contact.defaultCurrency ?? org.baseCurrency,
      rate: input.rate ?? 1,
      lineAmountTypes: built.lineAmountTypes,
      lines: built.lines,
      subTotalCents: built.subTotal,
      taxCents: built.tax,
      totalCents: built.total,
      baseStatus: input.status ?? 'AUTHORISED',
      status: 'AUTHORISED',
      remainingCents: built.total,
      fullyPaidOn: null,
      allocations: [],
      createdMs: at,
    };
    this.recomputeCredit(credit);
    org.credits.set(credit.id, credit);
    contact.credits.push(credit);
    this.register(org, credit, CREDIT_RESOURCE[kind]);
    return credit;
  }

  private allocate(
    kind: CreditKind,
    creditId: string,
    invoiceId: string,
    amount: Money,
    date: Day,
    opts: { at?: Date; id?: string },
  ): AllocationRec {
    const at = opts.at;
    const credit = this.credit(creditId);
    if (credit.kind !== kind) throw new Error(`${creditId} is a ${credit.kind}, not a ${kind}`);
    const inv = this.invoice(invoiceId);
    const cents = toCents(amount);
    if (credit.status !== 'AUTHORISED') throw new Error(`cannot allocate from a ${credit.status} ${kind}`);
    if (inv.status !== 'AUTHORISED') throw new Error(`cannot allocate to an invoice that is ${inv.status}`);
    if (inv.contact !== credit.contact) throw new Error('allocation across different contacts');
    if (inv.currency !== credit.currency) throw new Error('allocation across currencies');
    if (cents <= 0 || cents > credit.remainingCents || cents > inv.amountDueCents) {
      throw new Error('allocation exceeds the remaining credit or the amount due');
    }
    const alloc: AllocationRec = {
      id: opts.id ?? randomUUID(),
      source: credit,
      invoice: inv,
      amountCents: cents,
      date,
    };
    credit.allocations.push(alloc);
    inv.allocations.push(alloc);
    this.recomputeCredit(credit);
    this.recomputeInvoice(inv);
    this.touch(credit, CREDIT_RESOURCE[kind], at);
    this.touch(inv, 'Invoices', at);
    return alloc;
  }

  private buildLines(
    lines: NewLine[] | undefined,
    amount: Money | undefined,
    lineAmountTypes: LineAmountTypes | undefined,
  ): { lines: LineRec[]; subTotal: number; tax: number; total: number; lineAmountTypes: LineAmountTypes } {
    if (!lines && amount === undefined) throw new Error('give either amount or lines');
    const kind = lineAmountTypes ?? (lines ? 'Exclusive' : 'NoTax');
    const source: NewLine[] = lines ?? [
      { description: 'Services', quantity: 1, unitAmount: amount as Money },
    ];
    let subTotal = 0;
    let tax = 0;
    const lineIdsGenerated = this.deriveLineIds && (lines ?? []).every((l) => l.id === undefined);
    const built = source.map((l): LineRec => {
      const quantity = l.quantity ?? 1;
      const unit = toCents(l.unitAmount);
      const lineCents = Math.round(unit * quantity);
      const taxCents = kind === 'NoTax' ? 0 : toCents(l.taxAmount ?? 0);
      subTotal += kind === 'Inclusive' ? lineCents - taxCents : lineCents;
      tax += taxCents;
      return {
        id: l.id ?? (lineIdsGenerated ? undefined : randomUUID()),
        description: l.description,
        quantity,
        unitCents: unit,
        accountCode: l.accountCode ?? '200',
        taxType: l.taxType ?? (kind === 'NoTax' ? 'NONE' : 'OUTPUT2'),
        taxCents,
        lineCents,
      };
    });
    const total = subTotal + tax;
    if (total <= 0) throw new Error('document total must be positive');
    return { lines: built, subTotal, tax, total, lineAmountTypes: kind };
  }

  private recomputeInvoice(inv: InvoiceRec): void {
    let paid = 0;
    let lastDay: Day | null = null;
    for (const p of inv.payments) {
      if (p.status !== 'AUTHORISED') continue;
      paid += p.amountCents;
      if (!lastDay || p.date > lastDay) lastDay = p.date;
    }
    let credited = 0;
    for (const a of inv.allocations) {
      credited += a.amountCents;
      if (!lastDay || a.date > lastDay) lastDay = a.date;
    }
    inv.amountPaidCents = paid;
    inv.amountCreditedCents = credited;
    const live = inv.baseStatus === 'AUTHORISED';
    inv.amountDueCents =
      inv.baseStatus === 'VOIDED' || inv.baseStatus === 'DELETED' ? 0 : inv.totalCents - paid - credited;
    const fullyPaid = live && inv.amountDueCents === 0;
    inv.status = fullyPaid ? 'PAID' : inv.baseStatus;
    inv.fullyPaidOn = fullyPaid ? lastDay : null;
  }

  private recomputeCredit(cr: CreditRec): void {
    let used = 0;
    let lastDay: Day | null = null;
    for (const a of cr.allocations) {
      used += a.amountCents;
      if (!lastDay || a.date > lastDay) lastDay = a.date;
    }
    cr.remainingCents = cr.baseStatus === 'AUTHORISED' ? cr.totalCents - used : 0;
    const spent = cr.baseStatus === 'AUTHORISED' && cr.remainingCents === 0;
    cr.status = spent ? 'PAID' : cr.baseStatus;
    cr.fullyPaidOn = spent ? lastDay : null;
  }

  private creationEntry(kind: HistoryKind, id: string): HistoryRec {
    if (kind === 'Contacts') {
      const c = this.contact(id);
      return {
        changes: 'Created',
        dateMs: c.createdMs,
        user: 'Demo User',
        details: `Contact ${c.name} created.`,
      };
    }
    if (kind === 'Invoices') {
      const inv = this.invoice(id);
      return {
        changes: 'Created',
        dateMs: inv.createdMs,
        user: 'Demo User',
        details: `${inv.number} to ${inv.contact.name} for ${centsToDecimal(inv.totalCents)}.`,
      };
    }
    const cr = this.credit(id);
    if (cr.kind !== 'creditnote') throw new Error(`${id} is not a credit note`);
    return {
      changes: 'Created',
      dateMs: cr.createdMs,
      user: 'Demo User',
      details: `${cr.number} to ${cr.contact.name} for ${centsToDecimal(cr.totalCents)}.`,
    };
  }

  private nextInvoiceNumber(org: OrgRec): string {
    return `INV-${String(org.nextInvoiceNumber++).padStart(5, '0')}`;
  }

  /** Which organisation holds a record. A linear scan over organisations: there are only a few. */
  private ownerOf(id: string): OrgRec | undefined {
    for (const org of this.orgs.values()) {
      if (org.invoices.has(id) || org.contacts.has(id) || org.payments.has(id) || org.credits.has(id))
        return org;
    }
    return undefined;
  }

  private firstTenant(): string {
    const first = this.orgs.keys().next();
    if (first.done) throw new Error('the sandbox has no organisation');
    return first.value;
  }

  private stamp(at?: Date): number {
    return (at ?? this.now()).getTime();
  }

  private indexOf(tenantId: string): Record<ResourceName, SortedIndex> {
    const idx = this.indexes.get(tenantId);
    if (!idx) throw new Error(`unknown tenant ${tenantId}`);
    return idx;
  }

  private register(org: OrgRec, rec: Indexed, resource: ResourceName): void {
    const idx = this.indexOf(org.tenantId)[resource];
    const last = idx.items[idx.items.length - 1];
    if (last && byUpdatedThenId(last, rec) > 0) idx.dirty = true;
    idx.items.push(rec);
    this.changed(org.tenantId);
  }

  private touch(rec: Indexed, resource: ResourceName, at?: Date): void {
    // An explicit stamp (generators replaying history) never moves a record back in time.
    rec.updatedMs = at ? Math.max(rec.updatedMs, at.getTime()) : this.stamp();
    const tenantId = this.tenantOfRecord(rec);
    this.indexOf(tenantId)[resource].dirty = true;
    this.changed(tenantId);
  }

  private tenantOfRecord(rec: Indexed): string {
    if ('invoices' in rec) return rec.tenantId;
    if ('invoice' in rec) return rec.invoice.contact.tenantId;
    return rec.contact.tenantId;
  }

  private changed(tenantId: string): void {
    this.versions.set(tenantId, (this.versions.get(tenantId) ?? 0) + 1);
  }
}
