// Over 300 lines: the approval card in every state (proposed, approved, sent, unconfirmed, redrafted) is one Block Kit builder.
import { reminderLabel } from '../../../domain/audit-notes.js';
import { type Decimal, formatMoneyForTeam, sum } from '../../../domain/money.js';
import { actionsBlockId, REMINDER_ACTIONS } from '../../../domain/reminder-actions.js';
import type { CardInvoice, ReminderCardFacts } from '../../../domain/reminder-card-facts.js';
import { CARD_BODY_BUDGET, cardBodyLength, formatLongDate } from '../../../domain/reminder-draft.js';
import type { ReminderStatus } from '../../../domain/reminder-status.js';
import type { Block } from './kit.js';
import { clip, escapeMrkdwn, slackTime } from './kit.js';

/**
 * The approval card: one message per customer action in the queue channel. Pure: the same reminder gives the
 * same blocks. Buttons carry only the reminder id (drafts stay in Postgres: reference/slack-platform.md
 * pitfall 7); block_ids change with every status and draft version, as Slack asks of updated messages.
 */
const ACTION_APPROVE = REMINDER_ACTIONS.approve;
const ACTION_EDIT = REMINDER_ACTIONS.edit;
const ACTION_SNOOZE = REMINDER_ACTIONS.snooze;
const ACTION_ESCALATE = REMINDER_ACTIONS.escalate;
const ACTION_SKIP = REMINDER_ACTIONS.skip;

export interface CardReminder {
  readonly id: string;
  readonly status: ReminderStatus;
  readonly mode: string;
  readonly autoSend: boolean;
  readonly purpose: 'overdue' | 'upcoming';
  readonly segment: string;
  readonly stepIndex: number;
  readonly stepCount: number;
  readonly tone: string;
  readonly reason: string;
  readonly recipients: readonly string[];
  readonly cc: readonly string[];
  readonly draftVersion: number;
  readonly decidedByName: string | null;
  readonly snoozedUntil: string | null;
  readonly sentAt: Date | null;
  readonly lastError: string | null;
  /** Overdue reminders already sent about these invoices: the header counts contacts, not sequence steps. */
  readonly priorReminders?: number;
  /** 'xero_email': Xero sends its own invoice email per invoice, and the drafted text below is not sent. */
  readonly channel?: string;
}

export interface CardDraft {
  readonly subject: string;
  readonly body: string;
}

export interface ReminderCard {
  readonly text: string;
  readonly blocks: Block[];
}

/** Per section text stays under 3,000 (Slack's limit), so a long body takes several sections. */
const SECTION_CHARS = 2_950;
/** What a body too long to show in full is cut to (it cannot be approved until shortened). */
const PREVIEW_CHARS = 2_800;
const INVOICE_LINES = 10;

export { escapeMrkdwn };

/**
 * Cuts at a line or word boundary and says how much is hidden, all within `max` UTF-16 units (Slack's count),
 * never splitting a surrogate pair or an escape such as `&amp;`.
 */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = (hidden: number) => `\n… (${hidden} more characters: open Edit to read it all)`;
  // The note's own length depends on the count it states; the longest count this text could need is its length.
  const room = Math.max(0, max - note(text.length).length);
  let cut = clip(text, room + 1).slice(0, -1);
  const lastBreak = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '));
  if (lastBreak > room * 0.5) cut = cut.slice(0, lastBreak);
  cut = cut.trimEnd();
  const hidden = [...text].length - [...cut].length;
  return `${cut}${note(hidden)}`.slice(0, max);
}

function invoiceLine(i: CardInvoice): string {
  const when =
    i.daysOverdue > 0
      ? `${i.daysOverdue} day${i.daysOverdue === 1 ? '' : 's'} overdue`
      : i.daysOverdue === 0
        ? 'due today'
        : `due in ${-i.daysOverdue} day${i.daysOverdue === -1 ? '' : 's'}`;
  return `• *${escapeMrkdwn(i.number ?? i.invoiceId)}* ${formatMoneyForTeam(i.amountDue, i.currency)}, due ${formatLongDate(i.dueDate)} (${when})`;
}

/** "US$412.73 + NZ$20.00": Σ per currency (never added across currencies), in the order the draft states them. */
function perCurrency(invoices: readonly Pick<CardInvoice, 'currency' | 'amountDue'>[]): string {
  const byCurrency = new Map<string, Decimal[]>();
  for (const i of invoices) byCurrency.set(i.currency, [...(byCurrency.get(i.currency) ?? []), i.amountDue]);
  return [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, amounts]) => formatMoneyForTeam(sum(amounts), currency))
    .join(' + ');
}

/**
 * The card's total is the sum of its invoice lines, in their own currencies as the draft states it; when any of
 * them is in another currency than the base, the base-currency figure follows in brackets (each invoice converted
 * and rounded to the cent, as the planner and Xero do).
 */
export function cardTotal(facts: Pick<ReminderCardFacts, 'invoices' | 'baseCurrency' | 'totalBase'>): string {
  const base = formatMoneyForTeam(facts.totalBase, facts.baseCurrency);
  if (facts.invoices.length === 0) return base;
  const lines = perCurrency(facts.invoices);
  return facts.invoices.every((i) => i.currency === facts.baseCurrency) ? lines : `${lines} (${base})`;
}

function statusLine(r: CardReminder): string | null {
  const by = r.decidedByName ? ` by ${escapeMrkdwn(r.decidedByName)}` : '';
  switch (r.status) {
    case 'proposed':
      return null;
    case 'shadowed':
      return ':ghost: *Shadow mode*: this is what would have been sent today. Nothing was sent or written to Xero.';
    case 'approved':
      return r.autoSend
        ? ':robot_face: *Sending automatically* under the auto policy (an eligible friendly step).'
        : `:white_check_mark: *Approved*${by}; sending now.`;
    case 'sending':
      return ':outbox_tray: *Sending…*';
    case 'sent':
      return `:email: *Sent*${r.channel === 'xero_email' ? ' by Xero' : ''}${r.autoSend ? ' automatically' : by}${r.sentAt ? ` at ${slackTime(r.sentAt)}` : ''}.`;
    case 'skipped':
      return `:fast_forward: *Skipped*${by}.`;
    case 'snoozed':
      return `:zzz: *Snoozed*${by} until ${r.snoozedUntil ?? '?'}.`;
    case 'escalated':
      return `:rotating_light: *Escalated*${by}: a manager decides now.`;
    case 'failed':
      return `:warning: *Not sent*: ${escapeMrkdwn(truncateText(r.lastError ?? 'unknown error', 500))}`;
    case 'superseded':
      // A person's Approve found nothing left to chase (paid, credited or voided since the card was drafted).
      return r.decidedByName
        ? `:no_entry_sign: *Closed*: nothing on this card was left to chase when ${escapeMrkdwn(r.decidedByName)} approved it.`
        : ':arrows_counterclockwise: *Superseded* by a later step for this customer.';
    case 'unconfirmed':
      return ':grey_question: *Delivery not confirmed*: the sending was interrupted after the email went to the mail server, and this installation cannot look in the Sent folder. Look there for it, then press *Mark as sent* if it is there, or *Resend* if it is not.';
  }
}

const DECIDABLE: readonly ReminderStatus[] = ['proposed', 'escalated'];

export function buildReminderCard(
  reminder: CardReminder,
  facts: ReminderCardFacts,
  draft: CardDraft,
): ReminderCard {
  const rev = `${reminder.id}|${reminder.status}|${reminder.draftVersion}`;
  const total = cardTotal(facts);
  const what = reminderLabel(reminder.purpose, reminder.priorReminders ?? 0);
  const step =
    reminder.purpose === 'upcoming' ? '' : `, step ${reminder.stepIndex + 1} of ${reminder.stepCount}`;
  const header = `${what} (${reminder.tone}${step}) · ${facts.customerName}`;
  const lines = facts.invoices.slice(0, INVOICE_LINES).map(invoiceLine);
  const rest = facts.invoices.slice(INVOICE_LINES);
  if (rest.length > 0) lines.push(`…and ${rest.length} more: ${perCurrency(rest)}`);
  const why = [reminder.reason, ...facts.brainReasons.slice(0, 4)].map((r) => `• ${escapeMrkdwn(r)}`);
  const viaXero = reminder.channel === 'xero_email';
  const n = facts.invoices.length;
  const xeroEmails = `${n === 1 ? 'one invoice email' : `${n} invoice emails`}`;
  // Xero sends to the contact's own address and its people marked for invoice emails in Xero, whatever we hold.
  const to = viaXero
    ? 'the contact’s email addresses in Xero'
    : reminder.recipients.length
      ? reminder.recipients.join(', ')
      : '(no email address)';
  const cc = !viaXero && reminder.cc.length ? `  ·  cc ${reminder.cc.join(', ')}` : '';
  const source =
    facts.draftSource === 'claude'
      ? 'Drafted by Claude, checked against the ledger'
      : facts.fallbackReason
        ? `Template draft (${facts.fallbackReason})`
        : 'Template draft';
  const whole = cardBodyLength(draft.body) <= CARD_BODY_BUDGET;
  const blocks: Block[] = [
    {
      type: 'header',
      block_id: `h|${rev}`,
      // plain_text: Slack shows it as typed (no mentions or links), so the name needs no escaping, only the limit.
      text: { type: 'plain_text', text: clip(header, 150), emoji: true },
    },
    {
      type: 'section',
      block_id: `f|${rev}`,
      fields: [
        { type: 'mrkdwn', text: `*Total*\n${total}` },
        {
          type: 'mrkdwn',
          text: `*Priority*\n${facts.tier} · risk ${Math.round(facts.risk * 100)}%`,
        },
        { type: 'mrkdwn', text: `*Sequence*\n${escapeMrkdwn(reminder.segment)} · ${reminder.mode}` },
        { type: 'mrkdwn', text: `*To*\n${escapeMrkdwn(truncateText(to + cc, 300))}` },
      ],
    },
    {
      type: 'section',
      block_id: `i|${rev}`,
      text: { type: 'mrkdwn', text: truncateText(lines.join('\n'), 2_900) },
    },
    {
      type: 'section',
      block_id: `w|${rev}`,
      text: { type: 'mrkdwn', text: truncateText(`*Why*\n${why.join('\n')}`, 2_000) },
    },
  ];
  if (facts.escalationReasons.length > 0) {
    blocks.push({
      type: 'context',
      block_id: `e|${rev}`,
      elements: [
        {
          type: 'mrkdwn',
          text: truncateText(
            `:rotating_light: Needs a manager's look: ${facts.escalationReasons.map(escapeMrkdwn).join('; ')}`,
            1_000,
          ),
        },
      ],
    });
  }
  blocks.push({ type: 'divider', block_id: `d|${rev}` });
  if (viaXero) {
    // What goes out must be plain before anyone approves: Xero's own email, not the text below.
    blocks.push({
      type: 'section',
      block_id: `x|${rev}`,
      text: {
        type: 'mrkdwn',
        text: `:incoming_envelope: *Sent by Xero with your Xero invoice email template*: ${xeroEmails}, one per invoice, to ${to}. *The draft below is not sent*; it is here for reference. The History note is written to Xero as usual.`,
      },
    });
  }
  blocks.push(
    {
      type: 'section',
      block_id: `s|${rev}`,
      text: { type: 'mrkdwn', text: `*Subject:* ${escapeMrkdwn(truncateText(draft.subject, 200))}` },
    },
    // The whole text that will go out, over as many sections as it takes: nothing is sent unseen. A body too
    // long to show (stored before the limit, say) is previewed and cannot be approved until shortened.
    ...(whole
      ? bodySections(draft.body)
      : [
          `${clip(bodySections(draft.body)[0] ?? '', PREVIEW_CHARS)}\n… (the rest is not shown: too long to approve from the card: shorten it with Edit)`,
        ]
    ).map((text, i) => ({
      type: 'section' as const,
      block_id: i === 0 ? `b|${rev}` : `b${i + 1}|${rev}`,
      text: { type: 'mrkdwn' as const, text },
    })),
    {
      type: 'context',
      block_id: `c|${rev}`,
      elements: [
        {
          type: 'mrkdwn',
          text: truncateText(
            `${viaXero ? 'Reference only: Xero sends its own template' : escapeMrkdwn(source)} · draft v${reminder.draftVersion}`,
            500,
          ),
        },
      ],
    },
  );
  const status = statusLine(reminder);
  if (status) blocks.push({ type: 'section', block_id: `st|${rev}`, text: { type: 'mrkdwn', text: status } });
  if (DECIDABLE.includes(reminder.status) && reminder.mode !== 'shadow') {
    blocks.push({
      type: 'actions',
      block_id: actionsBlockId(reminder.id, reminder.status, reminder.draftVersion),
      elements: [
        ...(whole
          ? [
              approveButton(
                reminder.id,
                viaXero
                  ? `Xero sends ${xeroEmails} to ${to} now, with your Xero invoice email template (not the draft on this card).`
                  : `It goes to ${to} now.`,
                viaXero,
              ),
            ]
          : []),
        // Editing a draft that is not sent would only mislead.
        ...(viaXero
          ? []
          : [
              {
                type: 'button',
                action_id: ACTION_EDIT,
                text: { type: 'plain_text', text: 'Edit' },
                value: reminder.id,
              },
            ]),
        {
          type: 'datepicker',
          action_id: ACTION_SNOOZE,
          placeholder: { type: 'plain_text', text: 'Snooze until…' },
        },
        {
          type: 'button',
          action_id: ACTION_ESCALATE,
          text: { type: 'plain_text', text: 'Escalate' },
          value: reminder.id,
        },
        {
          type: 'button',
          action_id: ACTION_SKIP,
          style: 'danger',
          text: { type: 'plain_text', text: 'Skip' },
          value: reminder.id,
        },
      ],
    });
  }
  if (reminder.status === 'unconfirmed') {
    blocks.push({
      type: 'actions',
      block_id: actionsBlockId(reminder.id, reminder.status, reminder.draftVersion),
      elements: [
        {
          type: 'button',
          action_id: REMINDER_ACTIONS.markSent,
          text: { type: 'plain_text', text: 'Mark as sent' },
          value: reminder.id,
        },
        {
          type: 'button',
          action_id: REMINDER_ACTIONS.resend,
          text: { type: 'plain_text', text: 'Resend' },
          value: reminder.id,
          confirm: {
            title: { type: 'plain_text', text: 'Send it again?' },
            text: {
              type: 'plain_text',
              text: 'Only if it is not in the Sent folder: otherwise the customer gets it twice.',
            },
            confirm: { type: 'plain_text', text: 'Resend' },
            deny: { type: 'plain_text', text: 'Not yet' },
          },
        },
      ],
    });
  }
  // The notification text is mrkdwn to Slack: a customer named `<!channel>` must not ping anyone.
  const text = `${escapeMrkdwn(header)}: ${total}${status ? ` · ${reminder.status}` : ''}`;
  return { text: clip(text, 3_000), blocks };
}

/**
 * A line diff between two draft versions for the card's thread (longest common subsequence over lines,
 * which is plenty for emails of at most a few dozen lines).
 */
export function draftDiff(before: CardDraft, after: CardDraft, maxChars = 2_800): string {
  const out: string[] = [];
  if (before.subject !== after.subject)
    out.push(`- Subject: ${before.subject}`, `+ Subject: ${after.subject}`);
  const a = before.body.split('\n');
  const b = after.body.split('\n');
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`- ${a[i++]}`);
    } else {
      out.push(`+ ${b[j++]}`);
    }
  }
  if (out.length === 0) return 'No change to the text.';
  return truncateText(out.join('\n'), maxChars);
}

/**
 * The body, escaped and quoted, packed into sections of at most SECTION_CHARS, splitting between lines (or, for
 * a single line longer than a section, between words or characters, never inside an escape). All of it shows.
 */
function bodySections(body: string): string[] {
  const pieces: string[] = [];
  for (const line of body.split('\n')) {
    let rest = `>${escapeMrkdwn(line)}`;
    while (rest.length > SECTION_CHARS) {
      let cut = rest.lastIndexOf(' ', SECTION_CHARS);
      if (cut < SECTION_CHARS / 2) cut = SECTION_CHARS;
      const amp = rest.lastIndexOf('&', cut);
      if (amp > cut - 6 && rest.indexOf(';', amp) >= cut) cut = amp;
      if (/[\uD800-\uDBFF]/.test(rest[cut - 1] ?? '')) cut -= 1;
      pieces.push(rest.slice(0, cut));
      rest = `>${rest.slice(cut)}`;
    }
    pieces.push(rest);
  }
  const sections: string[] = [];
  let current = '';
  for (const p of pieces) {
    if (current && current.length + 1 + p.length > SECTION_CHARS) {
      sections.push(current);
      current = p;
    } else current = current ? `${current}\n${p}` : p;
  }
  if (current) sections.push(current);
  return sections;
}

function approveButton(reminderId: string, what: string, viaXero = false): Block {
  return {
    type: 'button',
    action_id: ACTION_APPROVE,
    style: 'primary',
    text: { type: 'plain_text', text: viaXero ? 'Approve & send via Xero' : 'Approve & send' },
    value: reminderId,
    confirm: {
      title: { type: 'plain_text', text: 'Send this reminder?' },
      text: { type: 'plain_text', text: truncateText(what, 280) },
      confirm: { type: 'plain_text', text: 'Send' },
      deny: { type: 'plain_text', text: 'Not yet' },
    },
  };
}
