import { describe, expect, it } from 'vitest';
import { REMINDER_ACTIONS, reminderIdFromBlockId } from '../../../domain/reminder-actions.js';
import { validateMessageBlocks, validateView } from '../../../sandbox/slack/block-kit-limits.js';
import type { ReminderCardFacts } from '../../db/reminder-cards.js';
import {
  buildReminderCard,
  type CardReminder,
  draftDiff,
  escapeMrkdwn,
  truncateText,
} from './reminder-card.js';

const reminder: CardReminder = {
  id: '3f1c0a52-8a5e-4d7e-9a51-5d1f3f0e9a01',
  status: 'proposed',
  mode: 'assisted',
  autoSend: false,
  purpose: 'overdue',
  segment: 'Standard',
  stepIndex: 2,
  stepCount: 4,
  tone: 'firm',
  reason: 'step 3 of Standard: 15 days overdue (+1 more invoice), first reminder',
  recipients: ['ap@acme.example', 'sam@acme.example'],
  cc: [],
  draftVersion: 1,
  decidedByName: null,
  snoozedUntil: null,
  sentAt: null,
  lastError: null,
};

const facts: ReminderCardFacts = {
  customerName: 'Acme <Ltd> & Sons',
  baseCurrency: 'NZD',
  totalBase: '750.0000',
  tier: 'medium',
  risk: 0.4321,
  invoices: [
    {
      invoiceId: 'i-a1',
      number: 'INV-A1',
      currency: 'NZD',
      amountDue: '500.00',
      dueDate: '2026-11-08',
      daysOverdue: 15,
    },
    {
      invoiceId: 'i-a2',
      number: 'INV-A2',
      currency: 'NZD',
      amountDue: '250.00',
      dueDate: '2026-11-16',
      daysOverdue: 7,
    },
  ],
  brainReasons: [
    '2 invoices overdue, oldest 15 days',
    'NZ$324.08 at risk of NZ$750.00 open',
    'notes say <b>call</b> & ask',
  ],
  escalationReasons: [],
  draftSource: 'template',
  fallbackReason: 'no language model configured',
};

const draft = { subject: 'Overdue: two invoices', body: 'Hi Jo,\n\nINV-A1 and INV-A2 are overdue.\n\nMere' };

const allText = (blocks: unknown) => JSON.stringify(blocks);

describe('buildReminderCard', () => {
  it('shows the facts, the draft and the five actions, each button carrying only the reminder id', () => {
    const card = buildReminderCard(reminder, facts, draft);
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    // The notification text is read as mrkdwn by Slack: the customer's name is escaped there too.
    // Nothing was sent about these invoices before: it is the first reminder, on the sequence's third step.
    expect(card.text).toBe('First reminder (firm, step 3 of 4) · Acme &lt;Ltd&gt; &amp; Sons: NZ$750.00');
    const text = allText(card.blocks);
    expect(text).toContain('*INV-A1* NZ$500.00, due 8 November 2026 (15 days overdue)');
    expect(text).toContain('*INV-A2* NZ$250.00, due 16 November 2026 (7 days overdue)');
    expect(text).toContain('medium · risk 43%');
    expect(text).toContain('Template draft (no language model configured) · draft v1');
    // Text we did not write is escaped in mrkdwn (the header is plain_text and shows it as is).
    expect(text).toContain('notes say &lt;b&gt;call&lt;/b&gt; &amp; ask');
    const actions = card.blocks.find((b) => b.type === 'actions') as unknown as {
      block_id: string;
      elements: Record<string, unknown>[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual([
      REMINDER_ACTIONS.approve,
      REMINDER_ACTIONS.edit,
      REMINDER_ACTIONS.snooze,
      REMINDER_ACTIONS.escalate,
      REMINDER_ACTIONS.skip,
    ]);
    for (const e of actions.elements) if (e.type === 'button') expect(e.value).toBe(reminder.id);
    expect(reminderIdFromBlockId(actions.block_id)).toBe(reminder.id);
  });

  it('changes every block_id when the status or draft version changes', () => {
    const a = buildReminderCard(reminder, facts, draft).blocks.map((b) => b.block_id);
    const b = buildReminderCard({ ...reminder, draftVersion: 2 }, facts, draft).blocks.map((x) => x.block_id);
    const c = buildReminderCard(
      { ...reminder, status: 'escalated', decidedByName: 'Colin' },
      facts,
      draft,
    ).blocks.map((x) => x.block_id);
    expect(a.filter((id) => b.includes(id) || c.includes(id))).toEqual([]);
  });

  it('shows a 6,000-character draft whole, and 40 invoices within Block Kit limits, saying what was cut', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      ...facts.invoices[0]!,
      invoiceId: `i${i}`,
      number: `INV-${1000 + i}`,
    }));
    const longBody = `${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(105)}`.slice(
      0,
      6000,
    );
    const card = buildReminderCard(
      reminder,
      { ...facts, invoices: many },
      { subject: 'S'.repeat(200), body: longBody },
    );
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    const text = allText(card.blocks);
    expect(text).toContain('…and 30 more');
    // Every word of the body is on the card, across sections: nothing is sent unseen.
    const shown = card.blocks
      .filter((b) => b.type === 'section' && String(b.block_id).startsWith('b'))
      .map((b) => String((b as unknown as { text: { text: string } }).text.text))
      .join('\n')
      .replace(/^>/gm, '');
    expect(shown.replace(/\n/g, '')).toBe(longBody.replace(/\n/g, ''));
    expect(text.length).toBeLessThan(12_000);
    expect(JSON.stringify(card.blocks)).toContain(REMINDER_ACTIONS.approve);
  });

  it('previews a body too long to show in full and offers no Approve until it is shortened', () => {
    const heavy = `${'<b>&amp;</b> '.repeat(470)}`.slice(0, 6000);
    const card = buildReminderCard(reminder, facts, { subject: 'S', body: heavy });
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expect(allText(card.blocks)).toContain('the rest is not shown: too long to approve from the card');
    expect(JSON.stringify(card.blocks)).not.toContain(REMINDER_ACTIONS.approve);
    expect(JSON.stringify(card.blocks)).toContain(REMINDER_ACTIONS.edit);
  });

  it('has no buttons in shadow mode or once decided, and says what happened', () => {
    const shadow = buildReminderCard({ ...reminder, status: 'shadowed', mode: 'shadow' }, facts, draft);
    expect(shadow.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(allText(shadow.blocks)).toContain('*Shadow mode*: this is what would have been sent today.');
    const sent = buildReminderCard(
      {
        ...reminder,
        status: 'sent',
        decidedByName: 'Colin Collector',
        sentAt: new Date('2026-11-22T20:05:00Z'),
      },
      facts,
      draft,
    );
    expect(sent.blocks.some((b) => b.type === 'actions')).toBe(false);
    // Slack shows the moment in each reader's own zone; the fallback says UTC.
    expect(allText(sent.blocks)).toContain(
      `*Sent* by Colin Collector at <!date^${Date.parse('2026-11-22T20:05:00Z') / 1000}^{date_short_pretty} {time}|2026-11-22 20:05 UTC>.`,
    );
    const failed = buildReminderCard(
      { ...reminder, status: 'failed', lastError: 'SMTP 550 mailbox <x> unknown' },
      facts,
      draft,
    );
    expect(allText(failed.blocks)).toContain('*Not sent*: SMTP 550 mailbox &lt;x&gt; unknown');
    // Escalated cards keep their buttons: a manager decides them.
    const escalated = buildReminderCard(
      { ...reminder, status: 'escalated', decidedByName: 'Cara' },
      facts,
      draft,
    );
    expect(escalated.blocks.some((b) => b.type === 'actions')).toBe(true);
  });
});

describe('truncateText and escapeMrkdwn', () => {
  it.each([
    ['short', 10, 'short'],
    [
      'one two three four five '.repeat(5),
      70,
      'one two three four\n… (102 more characters: open Edit to read it all)',
    ],
  ])('truncates %j to %i, the note included', (input, max, expected) => {
    expect(truncateText(input, max)).toBe(expected);
    expect(truncateText(input, max).length).toBeLessThanOrEqual(max);
  });
  it('never splits an emoji (surrogate pair) or an escape, and stays within the limit', () => {
    const out = truncateText('😀'.repeat(100), 70);
    expect(out.length).toBeLessThanOrEqual(70);
    expect(out).toMatch(/^(😀)+\n… \(\d+ more characters/);
    const escaped = truncateText(escapeMrkdwn('<&>'.repeat(40)), 80);
    expect(escaped.length).toBeLessThanOrEqual(80);
    expect(escaped.split('\n')[0]).toMatch(/^(&lt;|&amp;|&gt;)+$/);
  });
  it('escapes only &, < and >', () => {
    expect(escapeMrkdwn('A & B <c> *d*')).toBe('A &amp; B &lt;c&gt; *d*');
  });
});

describe('draftDiff', () => {
  it('shows removed and added lines, and a changed subject', () => {
    expect(
      draftDiff(
        { subject: 'Overdue', body: 'Hi Jo,\nPlease pay.\nMere' },
        { subject: 'Overdue invoices', body: 'Hi Jo,\nPlease pay by Friday.\nMere' },
      ),
    ).toBe('- Subject: Overdue\n+ Subject: Overdue invoices\n- Please pay.\n+ Please pay by Friday.');
    expect(draftDiff(draft, draft)).toBe('No change to the text.');
  });
});

describe('validateView on the listener modals is exercised in the Slack tests', () => {
  it('rejects an oversized title as Slack would (sanity of the checker used there)', () => {
    expect(
      validateView({ type: 'modal', title: { type: 'plain_text', text: 'x'.repeat(25) }, blocks: [] }).length,
    ).toBe(1);
  });
});

describe('customer-controlled text on a card', () => {
  const longest = 255; // Xero's limit on a contact name
  const names: [string, string][] = [
    ['255 plain characters', 'Northwind Wholesale Distribution '.repeat(8).slice(0, longest)],
    ['255 characters of markup', '<!channel>'.repeat(26).slice(0, longest)],
    ['a disguised link', '<https://evil.example/pay|Click to pay> Ltd'],
    ['mentions and ampersands', '<@U0ADMIN> & <!here> & <#C0GENERAL> &amp; Co'],
    ['right-to-left text', 'شركة النور للتجارة العامة ذ.م.م '.repeat(8).slice(0, longest)],
    ['emoji at every cut', '🍕'.repeat(127) + 'x'],
    ['emoji with joiners', '👩‍👩‍👧‍👦 Family Foods '.repeat(20).slice(0, longest)],
  ];

  it.each(
    names,
  )('a customer named with %s gets a card within every Block Kit limit, with no live markup', (_what, name) => {
    const card = buildReminderCard(
      { ...reminder, recipients: [`${'a'.repeat(60)}@example.com`, '<!channel>@evil.example'] },
      {
        ...facts,
        customerName: name,
        brainReasons: ['<!everyone> pay now', 'x'.repeat(5_000)],
        invoices: facts.invoices.map((i) => ({ ...i, number: `<!here>${'9'.repeat(300)}` })),
      },
      { subject: `<!channel> ${name}`, body: `${name}\n${'<b>&</b> '.repeat(2_000)}` },
    );
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
    expect(card.text.length).toBeLessThanOrEqual(3_000);
    // Slack reads the notification text and every mrkdwn object for mentions and links (plain_text it shows as
    // typed, so the header may carry the name as it is).
    const mrkdwn: string[] = [card.text];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (o.type === 'mrkdwn' && typeof o.text === 'string') mrkdwn.push(o.text);
        Object.values(o).forEach(walk);
      }
    };
    walk(card.blocks);
    for (const text of mrkdwn) expect(text).not.toMatch(/<!(channel|here|everyone)>|<@U|<#C|<https?:/);
    // No lone surrogate: an emoji is cut whole or not at all.
    expect(allText(card.blocks)).not.toMatch(/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i);
    expect(() => encodeURIComponent(JSON.stringify(card))).not.toThrow();
  });
});

describe("a xero_email step's card", () => {
  const viaXero: CardReminder = { ...reminder, channel: 'xero_email' };

  it('says Xero sends its own template per invoice and that the draft is not sent, and offers no Edit', () => {
    const card = buildReminderCard(viaXero, facts, draft);
    const text = allText(card.blocks);
    expect(text).toContain('Sent by Xero with your Xero invoice email template');
    expect(text).toContain('2 invoice emails, one per invoice');
    expect(text).toContain('The draft below is not sent');
    expect(text).toContain('the contact’s email addresses in Xero');
    expect(text).not.toContain('ap@acme.example');
    const actions = card.blocks.find((b) => b.type === 'actions') as unknown as {
      elements: Record<string, unknown>[];
    };
    const ids = actions.elements.map((e) => e.action_id);
    expect(ids).toContain(REMINDER_ACTIONS.approve);
    expect(ids).not.toContain(REMINDER_ACTIONS.edit);
    const approve = actions.elements.find((e) => e.action_id === REMINDER_ACTIONS.approve)!;
    expect(JSON.stringify(approve)).toContain('Approve & send via Xero');
    expect(JSON.stringify(approve)).toContain('(not the draft on this card)');
    expect(validateMessageBlocks(card.blocks)).toEqual([]);
  });

  it('shows a refusal from Xero as the reason it was not sent', () => {
    const card = buildReminderCard(
      {
        ...viaXero,
        status: 'failed',
        lastError:
          'Xero refused to email INV-A1: The organisation has reached its daily limit of 20 emails. (HTTP 400)',
      },
      facts,
      draft,
    );
    expect(allText(card.blocks)).toContain(
      '*Not sent*: Xero refused to email INV-A1: The organisation has reached its daily limit of 20 emails. (HTTP 400)',
    );
  });

  it('says an email card sends the draft to the recipients, as before', () => {
    const text = allText(buildReminderCard(reminder, facts, draft).blocks);
    expect(text).not.toContain('Sent by Xero');
    expect(text).toContain('It goes to ap@acme.example, sam@acme.example now.');
  });
});
