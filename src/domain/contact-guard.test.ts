import { describe, expect, it } from 'vitest';
import { contactBlock } from './contact-guard.js';

const base = {
  asOf: '2026-12-07' as const,
  minDaysBetweenContacts: 5,
  contactedOn: [],
  inFlight: 0,
  doNotContact: false,
};

describe('the contact guard at approval', () => {
  it('lets a first contact, or one past the interval, through', () => {
    expect(contactBlock(base)).toBe(null);
    expect(contactBlock({ ...base, contactedOn: ['2026-12-02'] })).toBe(null);
  });

  it('refuses inside the interval, counting from the latest contact', () => {
    expect(contactBlock({ ...base, contactedOn: ['2026-11-01', '2026-12-04'] })).toBe(
      'this customer was last emailed 3 days ago (the policy keeps 5 days between contacts)',
    );
    expect(contactBlock({ ...base, contactedOn: ['2026-12-07'] })).toMatch(/last emailed today/);
  });

  it('refuses a second card while another is on its way, and anyone on the do-not-contact list', () => {
    expect(contactBlock({ ...base, inFlight: 1 })).toMatch(/approved and is being sent/);
    expect(contactBlock({ ...base, doNotContact: true })).toMatch(/do-not-contact/);
  });

  it('refuses while a reply from the customer waits for a collector (#18)', () => {
    expect(contactBlock({ ...base, replyWaiting: true })).toBe(
      'this customer replied and the reply waits for a collector: chasing is paused until someone handles it',
    );
    expect(contactBlock({ ...base, replyWaiting: false })).toBeNull();
  });
});
