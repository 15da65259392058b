import { describe, expect, it } from 'vitest';
import type { ActiveHold } from '../adapters/db/dunning-queries.js';
import type { Organisation } from '../adapters/db/organisations.js';
import { TEST_ORG_ID } from '../testing/ledger-builders.js';
import { SURFACES_NOW, surfacesLedger } from '../testing/slack-surfaces-fixture.js';
import { signalsFromHolds } from './collections-view.js';
import { assembleDigest } from './daily-digest.js';

const ASOF = '2026-11-23';

describe('assembleDigest: what collectors told us', () => {
  const ledger = surfacesLedger();
  const idOf = (name: string) => ledger.contacts.find((c) => c.name === name)!.id;
  let nextId = 1;
  const hold = (contactName: string, kind: ActiveHold['kind'], until: string | null, createdOn: string) => ({
    id: nextId++,
    contactId: idOf(contactName),
    kind,
    until,
    amount: null,
    reason: null,
    createdBy: 'U_COLLECTOR',
    createdByName: 'Casey',
    createdAt: new Date(`${createdOn}T00:00:00Z`),
  });
  const organisation: Organisation = {
    id: TEST_ORG_ID,
    xeroTenantId: 'tenant',
    xeroConnectionId: null,
    tokenSetId: null,
    name: 'Demo Trading',
    baseCurrency: 'USD',
    timezone: ledger.organisation.timezone,
    shortCode: null,
    status: 'active',
    statusReason: null,
    createdAt: SURFACES_NOW,
    updatedAt: SURFACES_NOW,
  };
  const digest = (holds: ActiveHold[]) =>
    assembleDigest(
      {
        organisation,
        ledger,
        asOf: ASOF,
        holds,
        signals: signalsFromHolds(holds, ledger.organisation.timezone),
      },
      null,
    ).data;

  it('lists whole-balance promises broken by customers who still owe, and only those', () => {
    const data = digest([
      // Promised everything by 2026-11-10 and still owes INV-105: broken (grace of two days long over).
      hold('Gamma Co', 'promise', '2026-11-10', '2026-11-01'),
      // Promised by 2026-11-22: the grace period runs to 2026-11-24, so not broken yet.
      hold('Beta Ltd', 'promise', '2026-11-22', '2026-11-15'),
      // Due today: listed as due, not as broken.
      hold('Acme Widgets', 'promise', ASOF, '2026-11-20'),
    ]);
    expect(data.brokenPromises.map((p) => [p.contactName, p.promisedDate])).toEqual([
      ['Gamma Co', '2026-11-10'],
    ]);
    expect(data.promisesDueToday.map((p) => p.contactName)).toEqual(['Acme Widgets']);
  });

  it("counts a whole-account dispute's invoices from the customer's open invoices", () => {
    const data = digest([
      hold('Beta Ltd', 'dispute', null, '2026-11-20'),
      hold('Gamma Co', 'dispute', null, '2026-11-21'),
    ]);
    expect(data.openDisputes.map((d) => [d.contactName, d.invoiceCount])).toEqual([
      ['Beta Ltd', 2],
      ['Gamma Co', 1],
    ]);
  });
});
