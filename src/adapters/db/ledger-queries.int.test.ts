import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../testing/test-database.js';
import { loadLedger } from './ledger-queries.js';
import { markLedgerComplete } from './xero-ledger-store.js';

const database = useTestDatabase();

const synced = {
  synced_at: new Date('2026-11-21T00:00:00Z'),
  xero_updated_at: new Date('2026-11-20T00:00:00Z'),
};

describe('loadLedger', () => {
  it('refuses an organisation that was never synced', async () => {
    const org = await database.db
      .insertInto('organisations')
      .values({
        xero_tenant_id: 't-0',
        name: 'Unsynced',
        xero_connection_id: null,
        token_set_id: null,
        base_currency: null,
        short_code: null,
        status_reason: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await expect(loadLedger(database.db, org.id)).rejects.toThrow(
      /incomplete: its first sync from Xero has not finished/,
    );
  });

  it('rebuilds contacts, invoices, settlements and credits; deleted payments and refunds do not settle invoices', async () => {
    const { id: orgId } = await database.db
      .insertInto('organisations')
      .values({
        xero_tenant_id: 't-1',
        name: 'Harbour Foods',
        base_currency: 'NZD',
        timezone: 'Pacific/Auckland',
        short_code: '!abc',
        xero_connection_id: null,
        token_set_id: null,
        status_reason: null,
        default_sales_terms: JSON.stringify({ day: 20, type: 'OFFOLLOWINGMONTH' }),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await markLedgerComplete(database.db, orgId, synced.synced_at);
    await database.db
      .insertInto('xero_contacts')
      .values({
        ...synced,
        org_id: orgId,
        contact_id: 'c1',
        name: 'Acme Ltd',
        status: 'ACTIVE',
        account_number: 'ACME',
        contact_number: null,
        email: 'ap@acme.example',
        first_name: null,
        last_name: null,
        persons: JSON.stringify([
          { firstName: 'Jo', lastName: 'Bloggs', email: 'jo@acme.example', includeInEmails: true },
        ]),
        phones: JSON.stringify([]),
        groups: JSON.stringify(['Key accounts']),
        sales_terms: null,
        default_currency: 'AUD',
        merged_to_contact_id: null,
        is_customer: true,
      })
      .execute();
    await database.db
      .insertInto('xero_invoices')
      .values({
        ...synced,
        org_id: orgId,
        invoice_id: 'i1',
        number: 'INV-001',
        reference: null,
        contact_id: 'c1',
        status: 'AUTHORISED',
        date: '2026-10-01',
        due_date: '2026-10-31',
        currency: 'AUD',
        currency_rate: '0.9123456789',
        total: '1000.00',
        amount_due: '600.00',
        amount_paid: '300.00',
        amount_credited: '100.00',
        fully_paid_on_date: null,
        expected_payment_date: null,
        sent_to_contact: true,
        url: null,
      })
      .execute();
    const pay = {
      ...synced,
      org_id: orgId,
      payment_type: 'ACCRECPAYMENT',
      reference: null,
      currency_rate: '0.9',
    };
    await database.db
      .insertInto('xero_payments')
      .values([
        {
          ...pay,
          payment_id: 'p1',
          invoice_id: 'i1',
          credit_id: null,
          status: 'AUTHORISED',
          date: '2026-11-02',
          amount: '300.00',
        },
        {
          ...pay,
          payment_id: 'p2',
          invoice_id: 'i1',
          credit_id: null,
          status: 'DELETED',
          date: '2026-11-03',
          amount: '50.00',
        },
        {
          ...pay,
          payment_id: 'p3',
          invoice_id: null,
          credit_id: 'cn1',
          status: 'AUTHORISED',
          date: '2026-11-05',
          amount: '20.00',
          payment_type: 'ARCREDITPAYMENT',
        },
      ])
      .execute();
    await database.db
      .insertInto('xero_credits')
      .values({
        ...synced,
        org_id: orgId,
        credit_id: 'cn1',
        kind: 'credit_note',
        number: 'CN-001',
        contact_id: 'c1',
        status: 'AUTHORISED',
        date: '2026-10-15',
        currency: 'AUD',
        currency_rate: '0.9',
        total: '150.00',
        remaining_credit: '30.00',
      })
      .execute();
    await database.db
      .insertInto('xero_credit_allocations')
      .values({
        org_id: orgId,
        allocation_id: 'a1',
        credit_id: 'cn1',
        invoice_id: 'i1',
        date: '2026-10-20',
        amount: '100.00',
      })
      .execute();

    const ledger = await loadLedger(database.db, orgId);
    expect(ledger.organisation).toEqual({
      id: orgId,
      name: 'Harbour Foods',
      baseCurrency: 'NZD',
      timezone: 'Pacific/Auckland',
      shortCode: '!abc',
      defaultSalesTerms: { day: 20, type: 'OFFOLLOWINGMONTH' },
    });
    expect(ledger.contacts[0]).toMatchObject({ id: 'c1', defaultCurrency: 'AUD', groups: ['Key accounts'] });
    expect(ledger.contacts[0]?.persons[0]?.includeInEmails).toBe(true);
    expect(ledger.invoices[0]).toMatchObject({
      id: 'i1',
      currency: 'AUD',
      currencyRate: '0.9123456789',
      total: '1000.0000',
      dueDate: '2026-10-31',
    });
    expect([...ledger.settlements].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      {
        id: 'a1',
        invoiceId: 'i1',
        kind: 'credit_note',
        sourceId: 'cn1',
        date: '2026-10-20',
        amount: '100.0000',
        currencyRate: null,
      },
      {
        id: 'p1',
        invoiceId: 'i1',
        kind: 'payment',
        sourceId: null,
        date: '2026-11-02',
        amount: '300.0000',
        currencyRate: '0.9000000000',
      },
    ]);
    expect(ledger.credits[0]).toMatchObject({
      id: 'cn1',
      refunds: [{ date: '2026-11-05', amount: '20.0000' }],
    });
  });
});
