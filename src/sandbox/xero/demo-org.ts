// Over 300 lines: the demo organisation's generated ledger (customers, behaviours, invoices, payments) from one seeded generator.
import type { ContactRec, InvoiceRec, PaymentTermsType, TermsRec } from './model.js';
import { createRng, type Rng } from './prng.js';
import type { SandboxStore } from './store.js';
import { addDays, type Day, daysBetween, dayToUtcMs, earlierDay, laterDay } from './wire-format.js';

/**
 * A generated demo organisation: deterministic from its seed, shaped like a small New Zealand business's
 * receivables. Customers have distinct payment habits so scoring has something to find, open invoices fill
 * every ageing bucket, and there is the usual noise (bills, drafts, voids, credits, foreign currency).
 */

export interface DemoOrgOptions {
  name?: string;
  seed?: number;
  contacts?: number;
  invoices?: number;
  /** Last day of activity, YYYY-MM-DD; default: the organisation's today. */
  asOf?: Day;
  months?: number;
  baseCurrency?: string;
  /** Windows zone name. */
  timezone?: string;
  isDemoCompany?: boolean;
  tenantId?: string;
}

export type Habit =
  | 'prompt'
  | 'early'
  | 'slow-but-sure'
  | 'habitually-late'
  | 'deteriorating'
  | 'part-payer'
  | 'disputer'
  | 'large-debtor'
  | 'supplier';

const HABIT_WEIGHTS: [Habit, number][] = [
  ['prompt', 30],
  ['early', 6],
  ['slow-but-sure', 18],
  ['habitually-late', 15],
  ['deteriorating', 9],
  ['part-payer', 8],
  ['disputer', 6],
  ['supplier', 8],
];

const PLACES = [
  'Harbour',
  'Kauri',
  'Summit',
  'Riverside',
  'Southern',
  'Coastal',
  'Pacific',
  'Alpine',
  'Totara',
  'Rimu',
  'Matai',
  'Kowhai',
  'Pohutukawa',
  'Tasman',
  'Waitemata',
  'Ponsonby',
  'Karori',
  'Hillcrest',
  'Bayside',
  'Eastgate',
  'Northshore',
  'Westbury',
  'Greenlane',
  'Redwood',
  'Silverdale',
  'Stonefield',
  'Oakridge',
  'Cedar',
  'Ironbark',
  'Blue Gum',
  'Lakeside',
  'Parkview',
  'Highfield',
  'Fernhill',
  'Mountview',
  'Clearwater',
  'Sunrise',
  'Kingsland',
  'Queenstown',
  'Nelson',
  'Marlborough',
  'Hawke',
  'Otago',
  'Canterbury',
  'Waikato',
  'Taranaki',
  'Rangitoto',
  'Aoraki',
  'Tui',
  'Kea',
  'Kereru',
  'Takahe',
  'Korimako',
  'Ruru',
  'Piwakawaka',
  'Kotuku',
  'Manuka',
  'Harakeke',
  'Koru',
  'Te Awa',
  'Moana',
  'Whenua',
  'Maunga',
  'Wharf',
  'Quay',
  'Lighthouse',
  'Anchor',
  'Compass',
  'Meridian',
  'Horizon',
  'Keystone',
  'Cornerstone',
  'Bridge',
  'Junction',
  'Gateway',
  'Crossroads',
  'Village',
  'Old Mill',
  'Foundry',
  'Brickworks',
];
const TRADES = [
  'Plumbing',
  'Electrical',
  'Builders',
  'Joinery',
  'Roofing',
  'Landscaping',
  'Cafe',
  'Bakery',
  'Brewing',
  'Engineering',
  'Consulting',
  'Accounting',
  'Legal',
  'Dental',
  'Physio',
  'Veterinary',
  'Motors',
  'Logistics',
  'Freight',
  'Couriers',
  'Cleaning',
  'Security',
  'Printing',
  'Signs',
  'Design',
  'Media',
  'Marketing',
  'Software',
  'IT Services',
  'Telecom',
  'Hardware',
  'Timber',
  'Concrete',
  'Scaffolding',
  'Glass',
  'Paints',
  'Flooring',
  'Interiors',
  'Furniture',
  'Textiles',
  'Apparel',
  'Outdoor',
  'Sports',
  'Fitness',
  'Education',
  'Childcare',
  'Healthcare',
  'Pharmacy',
  'Optometry',
  'Catering',
  'Events',
  'Travel',
  'Tours',
  'Hospitality',
  'Property',
  'Realty',
  'Storage',
  'Hire',
  'Equipment',
  'Machinery',
  'Marine',
  'Aviation',
  'Agri',
  'Orchards',
  'Vineyards',
  'Dairy',
  'Seafood',
  'Nurseries',
  'Pet Supplies',
];
const SUFFIXES = [
  'Ltd',
  'Limited',
  '& Co',
  'Group',
  'Partners',
  'Holdings',
  'Services',
  'Trust',
  'Collective',
];
const FIRST_NAMES = [
  'Aroha',
  'Ben',
  'Chloe',
  'Daniel',
  'Ella',
  'Finn',
  'Grace',
  'Hemi',
  'Isla',
  'Jack',
  'Kiri',
  'Liam',
  'Mia',
  'Noah',
  'Olivia',
  'Priya',
  'Quinn',
  'Ruby',
  'Sam',
  'Tama',
  'Uma',
  'Vikram',
  'Wiremu',
  'Xin',
  'Yasmin',
  'Zoe',
];
const LAST_NAMES = [
  'Walker',
  'Ngata',
  'Smith',
  'Chen',
  'Patel',
  'Wilson',
  'Taylor',
  'Brown',
  'Te Huia',
  'Singh',
  'Kim',
  'Martin',
  'Thompson',
  'Parata',
  'Nguyen',
  'Campbell',
  'Stewart',
  'Anderson',
  'Tane',
  'Murray',
];
const SERVICES = [
  'Monthly support',
  'Consulting hours',
  'Installation',
  'Maintenance visit',
  'Design work',
  'Materials supplied',
  'Call-out fee',
  'Annual licence',
  'Training session',
  'Project milestone',
  'Freight and handling',
  'Equipment hire',
];
const SUPPLIER_ITEMS = ['Office supplies', 'Power', 'Phone and internet', 'Rent', 'Stationery', 'Fuel'];

/** Foreign units per 1 NZD, roughly 2024–2026 levels. */
const CURRENCY_RATES: Record<string, number> = { AUD: 0.91, USD: 0.6, GBP: 0.47, NZD: 1 };

const BUCKET_OFFSETS = [-10, 15, 45, 75, 120];

function pickWeighted<T>(rng: Rng, items: [T, number][]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng.next() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items[items.length - 1] as [T, number])[0];
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

interface Customer {
  contact: ContactRec;
  habit: Habit;
  currency: string;
  /** Typical invoice size in cents (before tax). */
  size: number;
  weight: number;
}

/** A timestamp on `day` at a seeded time of day (org-local business hours, roughly), never after `limitMs`. */
function stampOn(rng: Rng, day: Day, limitMs: number): Date {
  const ms = dayToUtcMs(day) + rng.int(0, 10 * 3600) * 1000 + rng.int(0, 999);
  return new Date(Math.min(ms, limitMs));
}

/** Days after due date that a customer of this habit pays, given how far through the history we are. */
function lateness(rng: Rng, habit: Habit, progress: number): number {
  switch (habit) {
    case 'early':
      return rng.int(-12, -2);
    case 'prompt':
      return rng.int(-3, 3);
    case 'slow-but-sure':
      return rng.int(8, 25);
    case 'habitually-late':
      return rng.int(20, 70);
    case 'deteriorating':
      return Math.round(-2 + progress * progress * 90 + rng.int(0, 10));
    case 'part-payer':
      return rng.int(0, 40);
    case 'disputer':
      return rng.int(10, 60);
    case 'large-debtor':
      return rng.int(30, 100);
    case 'supplier':
      return rng.int(-5, 5);
  }
}

function uniqueName(rng: Rng, used: Set<string>): string {
  for (let attempt = 0; attempt < 20; attempt++) {
    const name = `${rng.pick(PLACES)} ${rng.pick(TRADES)} ${rng.pick(SUFFIXES)}`;
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
  }
  const base = `${rng.pick(PLACES)} ${rng.pick(TRADES)}`;
  let n = 2;
  while (used.has(`${base} ${n}`)) n++;
  used.add(`${base} ${n}`);
  return `${base} ${n}`;
}

function termsFor(rng: Rng): TermsRec | null {
  const options: [TermsRec | null, number][] = [
    [null, 40],
    [{ day: 20, type: 'OFFOLLOWINGMONTH' as PaymentTermsType }, 20],
    [{ day: 7, type: 'DAYSAFTERBILLDATE' as PaymentTermsType }, 10],
    [{ day: 14, type: 'DAYSAFTERBILLDATE' as PaymentTermsType }, 15],
    [{ day: 30, type: 'DAYSAFTERBILLDATE' as PaymentTermsType }, 15],
  ];
  return pickWeighted(rng, options);
}

/** Builds the organisation into `store` and returns its tenant id. */
export function generateDemoOrg(store: SandboxStore, opts: DemoOrgOptions = {}): string {
  const seed = opts.seed ?? 1;
  const rng = createRng(seed);
  const nContacts = Math.max(1, opts.contacts ?? 250);
  const nInvoices = Math.max(0, opts.invoices ?? 3000);
  const months = Math.max(1, opts.months ?? 18);
  const baseCurrency = opts.baseCurrency ?? 'NZD';
  const timezone = opts.timezone ?? 'New Zealand Standard Time';
  const nowMs = store.now().getTime();
  const tenantId = opts.tenantId ?? rng.uuid();
  const org = store.addOrganisation({
    tenantId,
    organisationId: rng.uuid(),
    name: opts.name ?? 'Demo Company (NZ)',
    baseCurrency,
    countryCode:
      baseCurrency === 'NZD' ? 'NZ' : baseCurrency === 'AUD' ? 'AU' : baseCurrency === 'GBP' ? 'GB' : 'US',
    version:
      baseCurrency === 'NZD' ? 'NZ' : baseCurrency === 'AUD' ? 'AU' : baseCurrency === 'GBP' ? 'UK' : 'US',
    timezone,
    isDemoCompany: opts.isDemoCompany ?? true,
    salesTerms: { day: 20, type: 'OFFOLLOWINGMONTH' },
    shortCode: `!${seed.toString(36).padStart(5, 'x').slice(-5)}`,
    createdAt: new Date(nowMs - (months + 1) * 31 * 86_400_000),
  });
  store.deriveLineIds = true;
  const asOf = opts.asOf ?? store.today(tenantId);
  const startDay = addDays(asOf, -Math.round(months * 30.44));
  const span = Math.max(1, daysBetween(startDay, asOf));
  // Nothing may be stamped after the sandbox clock, nor after the end of asOf.
  const limitMs = Math.min(nowMs, dayToUtcMs(asOf) + 86_399_000);
  const createdMs = Math.min(limitMs, dayToUtcMs(startDay));

  const groups = [
    store.addContactGroup(tenantId, 'Key accounts', rng.uuid()),
    store.addContactGroup(tenantId, 'Wholesale', rng.uuid()),
    store.addContactGroup(tenantId, 'Government', rng.uuid()),
  ];

  const usedNames = new Set<string>();
  const customers: Customer[] = [];
  const suppliers: Customer[] = [];
  const foreign = baseCurrency === 'NZD';
  for (let i = 0; i < nContacts; i++) {
    const habit: Habit = i < 2 && nContacts >= 10 ? 'large-debtor' : pickWeighted(rng, HABIT_WEIGHTS);
    const currency =
      foreign && habit !== 'supplier' && habit !== 'large-debtor'
        ? pickWeighted(rng, [
            ['NZD', 85],
            ['AUD', 7],
            ['USD', 5],
            ['GBP', 3],
          ] as [string, number][])
        : baseCurrency;
    const name = uniqueName(rng, usedNames);
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const domain = `${name.toLowerCase().replace(/[^a-z]+/g, '')}.co.nz`;
    const hasEmail = !rng.chance(0.08);
    const persons = rng.chance(0.6)
      ? [
          {
            firstName: rng.pick(FIRST_NAMES),
            lastName: rng.pick(LAST_NAMES),
            email: rng.chance(0.9) ? `accounts@${domain}` : null,
            includeInEmails: rng.chance(0.7),
          },
        ]
      : [];
    const contact = store.addContact({
      tenantId,
      id: rng.uuid(),
      name,
      firstName: first,
      lastName: last,
      email: hasEmail
        ? `${first.toLowerCase()}.${last.toLowerCase().replace(/[^a-z]/g, '')}@${domain}`
        : null,
      accountNumber: habit === 'supplier' ? null : `CUST-${String(i + 1).padStart(5, '0')}`,
      persons,
      phones: [
        {
          type: 'DEFAULT',
          number: `${rng.int(200, 999)} ${rng.int(1000, 9999)}`,
          areaCode: '09',
          countryCode: '64',
        },
      ],
      salesTerms: habit === 'supplier' ? null : termsFor(rng),
      defaultCurrency: currency === baseCurrency ? null : currency,
      groupIds:
        habit === 'large-debtor'
          ? [(groups[0] as { id: string }).id]
          : rng.chance(0.1)
            ? [rng.pick(groups).id]
            : [],
      at: new Date(createdMs + rng.int(0, 86_400_000 * 30)),
    });
    const size =
      habit === 'large-debtor' ? rng.int(800_000, 2_500_000) : Math.round(Math.exp(rng.next() * 3.5 + 9.5));
    org.habits.set(contact.id, habit);
    const entry: Customer = { contact, habit, currency, size, weight: 0.2 + rng.next() ** 3 * 5 };
    (habit === 'supplier' ? suppliers : customers).push(entry);
  }
  if (customers.length === 0 && suppliers.length > 0) customers.push(suppliers.pop() as Customer);

  // Invoices: mostly sales, ~5% bills from suppliers.
  const totalWeight = customers.reduce((s, c) => s + c.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const c of customers) {
    acc += c.weight;
    cumulative.push(acc);
  }
  const pickCustomer = (): Customer => {
    const r = rng.next() * totalWeight;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return customers[lo] as Customer;
  };

  const plans: { day: Day; customer: Customer; bill: boolean }[] = [];
  for (let i = 0; i < nInvoices; i++) {
    const bill = suppliers.length > 0 && rng.chance(0.05);
    const customer = bill ? rng.pick(suppliers) : pickCustomer();
    plans.push({ day: addDays(startDay, rng.int(0, span)), customer, bill });
  }
  // Chronological order makes INV numbers rise with dates, as in a real ledger.
  plans.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

  // Guarantee every ageing bucket (current, 1–30, 31–60, 61–90, 90+) has an open invoice.
  const forcedOpen = new Map<number, Day>();
  if (plans.length >= BUCKET_OFFSETS.length) {
    BUCKET_OFFSETS.forEach((offset, b) => {
      const target = Math.floor(((b + 0.5) * plans.length) / BUCKET_OFFSETS.length);
      let idx = target;
      while (idx < plans.length && (plans[idx] as { bill: boolean }).bill) idx++;
      if (idx >= plans.length) return;
      forcedOpen.set(idx, addDays(asOf, -offset));
    });
  }

  const overpaymentCandidates: InvoiceRec[] = [];
  plans.forEach((plan, index) => {
    const { customer, bill } = plan;
    const forcedDue = forcedOpen.get(index);
    let day = plan.day;
    if (forcedDue) day = earlierDay(addDays(forcedDue, -20), asOf);
    const progress = daysBetween(startDay, day) / span;
    const rate =
      customer.currency === baseCurrency
        ? 1
        : round2((CURRENCY_RATES[customer.currency] ?? 1) * (0.97 + rng.next() * 0.06) * 10_000) / 10_000;
    const nLines = rng.int(1, 3);
    const lines = [];
    let remaining = Math.max(500, Math.round(customer.size * (0.4 + rng.next() * 1.2)));
    const taxed = customer.currency === 'NZD' && baseCurrency === 'NZD';
    for (let l = 0; l < nLines; l++) {
      const part = l === nLines - 1 ? remaining : Math.round(remaining * (0.3 + rng.next() * 0.4));
      remaining -= part;
      const qty = rng.chance(0.5) ? 1 : rng.int(2, 10);
      const unit = Math.max(1, Math.round(part / qty));
      lines.push({
        description: bill ? rng.pick(SUPPLIER_ITEMS) : rng.pick(SERVICES),
        quantity: qty,
        unitAmount: money(unit),
        accountCode: bill ? '400' : '200',
        taxAmount: taxed ? money(Math.round(unit * qty * 0.15)) : 0,
        taxType: taxed ? (bill ? 'INPUT2' : 'OUTPUT2') : 'NONE',
      });
    }
    const isDraft = !forcedDue && daysBetween(day, asOf) < 14 && rng.chance(0.15);
    const inv = store.addInvoice({
      id: rng.uuid(),
      contactId: customer.contact.id,
      type: bill ? 'ACCPAY' : 'ACCREC',
      number: bill ? `SUP-${rng.int(1000, 99999)}` : undefined,
      reference: bill ? null : rng.chance(0.4) ? `PO-${rng.int(1000, 9999)}` : null,
      date: day,
      dueDate: forcedDue,
      currency: customer.currency,
      rate,
      lines,
      lineAmountTypes: taxed ? 'Exclusive' : 'NoTax',
      status: isDraft ? 'DRAFT' : 'AUTHORISED',
      sentToContact: !bill && !isDraft,
      at: stampOn(rng, day, limitMs),
    });
    if (isDraft || forcedDue) return;
    const invoiceAge = daysBetween(inv.date, asOf);
    // A few invoices are voided soon after issue (mistakes).
    if (!bill && rng.chance(0.012)) {
      store.voidInvoice(inv.id, {
        at: stampOn(rng, addDays(inv.date, Math.min(invoiceAge, rng.int(0, 5))), limitMs),
      });
      return;
    }
    const habit = customer.habit;
    // Disputers get credit notes against some invoices; others occasionally too.
    if (!bill && rng.chance(habit === 'disputer' ? 0.3 : 0.02)) {
      const creditDay = addDays(inv.date, Math.min(invoiceAge, rng.int(5, 40)));
      const full = rng.chance(0.4);
      const creditCents = full
        ? inv.totalCents
        : Math.max(100, Math.round(inv.totalCents * (0.1 + rng.next() * 0.3)));
      const cn = store.addCreditNote({
        id: rng.uuid(),
        contactId: customer.contact.id,
        date: creditDay,
        amount: money(creditCents),
        currency: inv.currency,
        rate: inv.rate,
        reference: `Credit for ${inv.number}`,
        at: stampOn(rng, creditDay, limitMs),
      });
      // Most credits are allocated; some stay on the account as unapplied credit.
      if (rng.chance(0.85)) {
        store.allocateCreditNote(cn.id, inv.id, money(creditCents), creditDay, {
          at: stampOn(rng, creditDay, limitMs),
          id: rng.uuid(),
        });
      }
      if (inv.amountDueCents === 0) return;
    }
    // Prepayments: received before the invoice and allocated to it.
    if (!bill && rng.chance(0.006)) {
      const preDay = addDays(inv.date, -rng.int(1, 20));
      const pre = store.addPrepayment({
        id: rng.uuid(),
        contactId: customer.contact.id,
        date: preDay,
        amount: money(inv.amountDueCents),
        currency: inv.currency,
        rate: inv.rate,
        reference: 'Deposit',
        at: stampOn(rng, preDay, limitMs),
      });
      store.allocatePrepayment(pre.id, inv.id, money(inv.amountDueCents), inv.date, {
        at: stampOn(rng, inv.date, limitMs),
        id: rng.uuid(),
      });
      return;
    }
    const payDay = addDays(inv.dueDate, lateness(rng, habit, progress));
    const effectivePayDay = laterDay(payDay, inv.date);
    const neverPays =
      (habit === 'disputer' && rng.chance(0.25)) || (habit === 'large-debtor' && rng.chance(0.35));
    if (neverPays) return;
    if (habit === 'part-payer' && !bill) {
      const instalments = rng.int(2, 3);
      let due = inv.amountDueCents;
      for (let k = 0; k < instalments && due > 0; k++) {
        const d = addDays(effectivePayDay, k * rng.int(14, 30) - 10);
        if (d > asOf) break;
        const cents = k === instalments - 1 ? due : Math.max(100, Math.round(due * (0.3 + rng.next() * 0.3)));
        store.addPayment(inv.id, {
          id: rng.uuid(),
          date: laterDay(d, inv.date),
          amount: money(Math.min(cents, due)),
          rate: inv.rate,
          reference: `Part payment ${k + 1}`,
          isReconciled: true,
          at: stampOn(rng, laterDay(d, inv.date), limitMs),
        });
        due = inv.amountDueCents;
      }
      return;
    }
    if (effectivePayDay > asOf) return;
    store.addPayment(inv.id, {
      id: rng.uuid(),
      date: effectivePayDay,
      amount: money(inv.amountDueCents),
      rate: inv.rate,
      reference: rng.chance(0.5) ? inv.number : null,
      isReconciled: rng.chance(0.9),
      at: stampOn(rng, effectivePayDay, limitMs),
    });
    if (!bill && rng.chance(0.006)) overpaymentCandidates.push(inv);
  });

  // Overpayments: a customer paid too much; part of the excess later goes to their next open invoice.
  for (const inv of overpaymentCandidates) {
    const day = inv.fullyPaidOn ?? inv.date;
    const over = store.addOverpayment({
      id: rng.uuid(),
      contactId: inv.contact.id,
      date: day,
      amount: money(Math.max(500, Math.round(inv.totalCents * 0.1))),
      currency: inv.currency,
      rate: inv.rate,
      reference: `Overpaid ${inv.number}`,
      at: stampOn(rng, day, limitMs),
    });
    const next = inv.contact.invoices.find(
      (o) => o.type === 'ACCREC' && o.status === 'AUTHORISED' && o.date >= day && o.amountDueCents > 0,
    );
    if (next && next.currency === over.currency) {
      const cents = Math.min(over.remainingCents, next.amountDueCents);
      store.allocateOverpayment(over.id, next.id, money(cents), laterDay(next.date, day), {
        at: stampOn(rng, laterDay(next.date, day), limitMs),
        id: rng.uuid(),
      });
    }
  }
  store.deriveLineIds = false;
  return tenantId;
}
