import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../../testing/test-database.js';
import { listAuditEvents, recordAuditEvent } from './audit-events.js';

const database = useTestDatabase();

describe('audit events', () => {
  it('records who did what to which subject, newest first', async () => {
    const actor = { type: 'user' as const, id: 'U123', name: 'Mere Collector' };
    await recordAuditEvent(database.db, {
      orgId: null,
      occurredAt: new Date('2026-11-20T09:00:00Z'),
      actor,
      action: 'customer.paused',
      subject: { type: 'contact', id: 'c-1' },
      payload: { before: { paused: false }, after: { paused: true, until: '2026-12-01' } },
    });
    await recordAuditEvent(database.db, {
      orgId: null,
      occurredAt: new Date('2026-11-21T09:00:00Z'),
      actor,
      action: 'customer.resumed',
      subject: { type: 'contact', id: 'c-1' },
    });
    const events = await listAuditEvents(database.db, { subject: { type: 'contact', id: 'c-1' } });
    expect(events.map((e) => e.action)).toEqual(['customer.resumed', 'customer.paused']);
    expect(events[1]).toMatchObject({
      actor,
      payload: { before: { paused: false }, after: { paused: true, until: '2026-12-01' } },
    });
  });

  it('is append-only: the database refuses updates and deletes', async () => {
    const id = await recordAuditEvent(database.db, {
      orgId: null,
      occurredAt: new Date(),
      actor: { type: 'system', id: 'test', name: null },
      action: 'x',
    });
    await expect(
      sql`update audit_events set action = 'y' where id = ${id}`.execute(database.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_events where id = ${id}`.execute(database.db)).rejects.toThrow(
      /append-only/,
    );
    expect((await listAuditEvents(database.db))[0]?.action).toBe('x');
  });
});
