import { addDays } from '../domain/calendar.js';
import type {
  Contact,
  Credit,
  CreditKind,
  Invoice,
  IsoDate,
  Ledger,
  OrganisationProfile,
  Settlement,
  SettlementKind,
} from '../domain/ledger.js';
import { type Decimal, dec } from '../domain/money.js';

/**
 * Builders for Ledger values with sensible defaults (USD organisation in UTC, 30-day terms, AUTHORISED
 * invoices). Ids are sequential per builder, so tests read 'c1', 'i3', 'p2'.
 *
 *   const b = new LedgerBuilder();
 *   const acme = b.contact({ name: 'Acme Ltd' });
 *   const inv = b.invoice(acme, { date: '2026-01-01', total: '100.00' });   // due 2026-01-31
 *   b.payment(inv, '2026-02-10', '100.00');
 *   const ledger = b.build();
 */
export const TEST_ORG_ID = '7d3c2b1a-0000-4000-8000-00000000a001';

export function anOrganisation(overrides: Partial<OrganisationProfile> = {}): OrganisationProfile {
  return {
    id: TEST_ORG_ID,
    name: 'Test Trading Ltd',
    baseCurrency: 'USD',
    timezone: 'UTC',
    shortCode: null,
    defaultSalesTerms: { day: 30, type: 'DAYSAFTERBILLDATE' },
    ...overrides,
  };
}

export function aContact(overrides: Partial<Contact> & { id: string }): Contact {
  return {
    name: `Customer ${overrides.id}`,
    status: 'ACTIVE',
    accountNumber: null,
    contactNumber: null,
    email: null,
    firstName: null,
    lastName: null,
    persons: [],
    phones: [],
    groups: [],
    salesTerms: null,
    defaultCurrency: null,
    mergedToContactId: null,
    ...overrides,
  };
}

export function anInvoice(overrides: Partial<Invoice> & { id: string; contactId: string }): Invoice {
  const date = overrides.date ?? '2026-01-01';
  const total = overrides.total ?? '100.00';
  return {
    number: `INV-${overrides.id}`,
    reference: null,
    status: 'AUTHORISED',
    date,
    dueDate: addDays(date, 30),
    currency: 'USD',
    currencyRate: null,
    total,
    amountDue: total,
    amountPaid: '0',
    amountCredited: '0',
    fullyPaidOnDate: null,
    expectedPaymentDate: null,
    sentToContact: true,
    updatedAt: new Date(`${date}T00:00:00Z`),
    ...overrides,
  };
}

export function aCredit(overrides: Partial<Credit> & { id: string; contactId: string }): Credit {
  const total = overrides.total ?? '50.00';
  return {
    kind: 'credit_note',
    number: `CN-${overrides.id}`,
    status: 'AUTHORISED',
    date: '2026-01-01',
    currency: 'USD',
    currencyRate: null,
    total,
    remainingCredit: total,
    refunds: [],
    ...overrides,
  };
}

export function aLedger(
  parts: Partial<Omit<Ledger, 'organisation'>> & { organisation?: Partial<OrganisationProfile> } = {},
): Ledger {
  return {
    organisation: anOrganisation(parts.organisation),
    contacts: parts.contacts ?? [],
    invoices: parts.invoices ?? [],
    settlements: parts.settlements ?? [],
    credits: parts.credits ?? [],
  };
}

type Ref<T extends { id: string }> = T | string;
const idOf = <T extends { id: string }>(r: Ref<T>) => (typeof r === 'string' ? r : r.id);

export class LedgerBuilder {
  readonly organisation: OrganisationProfile;
  readonly contacts: Contact[] = [];
  readonly invoices: Invoice[] = [];
  readonly settlements: Settlement[] = [];
  readonly credits: Credit[] = [];
  #seq = { c: 0, i: 0, p: 0, a: 0, n: 0 };

  constructor(organisation: Partial<OrganisationProfile> = {}) {
    this.organisation = anOrganisation(organisation);
  }

  contact(overrides: Partial<Contact> = {}): Contact {
    const c = aContact({ id: `c${++this.#seq.c}`, ...overrides });
    this.contacts.push(c);
    return c;
  }

  /** `dueInDays` sets the due date relative to the invoice date when no dueDate is given. */
  invoice(contact: Ref<Contact>, overrides: Partial<Invoice> & { dueInDays?: number } = {}): Invoice {
    const { dueInDays, ...rest } = overrides;
    const date = rest.date ?? '2026-01-01';
    const inv = anInvoice({
      id: `i${++this.#seq.i}`,
      contactId: idOf(contact),
      currency: this.organisation.baseCurrency,
      ...rest,
      date,
      dueDate: rest.dueDate ?? addDays(date, dueInDays ?? 30),
    });
    this.invoices.push(inv);
    return inv;
  }

  payment(
    invoice: Ref<Invoice>,
    date: IsoDate,
    amount?: Decimal,
    overrides: Partial<Settlement> = {},
  ): Settlement {
    const inv = this.#invoice(invoice);
    const s: Settlement = {
      id: `p${++this.#seq.p}`,
      invoiceId: inv.id,
      kind: 'payment',
      sourceId: null,
      date,
      amount: amount ?? inv.total,
      currencyRate: inv.currencyRate,
      ...overrides,
    };
    this.settlements.push(s);
    return s;
  }

  credit(contact: Ref<Contact>, overrides: Partial<Credit> & { kind?: CreditKind } = {}): Credit {
    const c = aCredit({
      id: `n${++this.#seq.n}`,
      contactId: idOf(contact),
      currency: this.organisation.baseCurrency,
      ...overrides,
    });
    this.credits.push(c);
    return c;
  }

  /** Applies part of a credit to an invoice (a settlement of the credit's kind). */
  allocate(credit: Ref<Credit>, invoice: Ref<Invoice>, date: IsoDate, amount: Decimal): Settlement {
    const cr = typeof credit === 'string' ? this.credits.find((c) => c.id === credit) : credit;
    if (!cr) throw new Error(`no credit ${String(credit)}`);
    const s: Settlement = {
      id: `a${++this.#seq.a}`,
      invoiceId: idOf(invoice),
      kind: cr.kind as SettlementKind,
      sourceId: cr.id,
      date,
      amount,
      currencyRate: null,
    };
    this.settlements.push(s);
    return s;
  }

  /** An invoice paid in full `daysLate` days after its due date (negative = early). */
  paidInvoice(
    contact: Ref<Contact>,
    date: IsoDate,
    daysLate: number,
    overrides: Partial<Invoice> = {},
  ): Invoice {
    const inv = this.invoice(contact, { date, ...overrides, status: 'PAID' });
    this.payment(inv, addDays(inv.dueDate, daysLate));
    return inv;
  }

  build(): Ledger {
    return {
      organisation: this.organisation,
      contacts: [...this.contacts],
      invoices: [...this.invoices],
      settlements: [...this.settlements],
      credits: [...this.credits],
    };
  }

  #invoice(ref: Ref<Invoice>): Invoice {
    const inv = typeof ref === 'string' ? this.invoices.find((i) => i.id === ref) : ref;
    if (!inv) throw new Error(`no invoice ${String(ref)}`);
    return inv;
  }
}

/** A ledger with `extra` appended (for "data added after D" tests). */
export function withExtra(ledger: Ledger, extra: Partial<Omit<Ledger, 'organisation'>>): Ledger {
  return {
    organisation: ledger.organisation,
    contacts: [...ledger.contacts, ...(extra.contacts ?? [])],
    invoices: [...ledger.invoices, ...(extra.invoices ?? [])],
    settlements: [...ledger.settlements, ...(extra.settlements ?? [])],
    credits: [...ledger.credits, ...(extra.credits ?? [])],
  };
}

/** Xero-style "amount as of the last sync" for an invoice given its settlements (for fixtures that care). */
export function amountDueAfter(invoice: Invoice, settlements: readonly Settlement[]): Decimal {
  const settled = settlements
    .filter((s) => s.invoiceId === invoice.id)
    .reduce((a, s) => a.plus(s.amount), dec(0));
  return dec(invoice.total).minus(settled).toFixed(4);
}
