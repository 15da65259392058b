import { describe, expect, it } from 'vitest';
import { NO_SIGNALS } from '../domain/collections-signals.js';
import { LedgerBuilder } from '../testing/ledger-builders.js';
import { listPriorities } from './collections-reports.js';
import { createScoredViewCache } from './ledger-cache.js';

function ledger() {
  const b = new LedgerBuilder({ baseCurrency: 'NZD', timezone: 'Pacific/Auckland' });
  const acme = b.contact({ name: 'Acme' });
  const bolt = b.contact({ name: 'Bolt' });
  b.invoice(acme, { date: '2026-09-01', dueDate: '2026-10-01', total: '1200.00' });
  b.invoice(bolt, { date: '2026-10-01', dueDate: '2026-10-31', total: '300.00' });
  return b.build();
}

describe('scored view cache', () => {
  it('scores a burst once, and gives the same priorities as scoring afresh', () => {
    const cache = createScoredViewCache();
    const l = ledger();
    const a = cache({ ledger: l, asOf: '2026-11-20', signals: NO_SIGNALS });
    const b = cache({ ledger: l, asOf: '2026-11-20', signals: { ...NO_SIGNALS } });
    expect(b).toBe(a);
    expect(b.priorities()).toBe(a.priorities());
    expect(a.priorities()).toEqual(listPriorities(l, '2026-11-20', { signals: NO_SIGNALS }));
  });

  it('scores again for another day, other signals (a pause) or a newly loaded ledger', () => {
    const cache = createScoredViewCache();
    const l = ledger();
    const a = cache({ ledger: l, asOf: '2026-11-20', signals: NO_SIGNALS });
    expect(cache({ ledger: l, asOf: '2026-11-21', signals: NO_SIGNALS })).not.toBe(a);
    const contactId = l.contacts[0]!.id;
    const paused = cache({
      ledger: l,
      asOf: '2026-11-20',
      signals: { ...NO_SIGNALS, pausedUntil: { [contactId]: '2026-12-01' } },
    });
    expect(paused).not.toBe(a);
    expect(cache({ ledger: ledger(), asOf: '2026-11-20', signals: NO_SIGNALS })).not.toBe(a);
  });
});
