import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { addBusinessDays, type BusinessCalendarSpec, isBusinessDay } from '../../domain/business-calendar.js';
import type { ReceivedMail } from '../mail/smtp-sink.js';

/**
 * The demo's customers (#18 part 7): what one writes back to a reminder, as their mail client would send it.
 * The page only picks a kind of answer; the words are written here, so the page never sends text of its own.
 */
export const CUSTOMER_SAYS = ['promise', 'dispute', 'paid'] as const;
export type CustomerSays = (typeof CUSTOMER_SAYS)[number];

export const isCustomerSays = (v: unknown): v is CustomerSays =>
  typeof v === 'string' && (CUSTOMER_SAYS as readonly string[]).includes(v);

/** "Friday 27 November": how a customer names a day. */
const spoken = (day: string, zone: string) =>
  DateTime.fromISO(day, { zone }).setLocale('en-NZ').toFormat('cccc d LLLL');

export interface ReplyWords {
  readonly text: string;
  /** The day a promise names (ISO), or the day a payment was made. */
  readonly day: string;
}

/**
 * The customer's own words. A promise names a day three business days after today (the demo's clock, in the
 * organisation's zone), so the promise can be judged a few business days later; a payment already made names the
 * last business day.
 */
export function customerWords(
  say: CustomerSays,
  input: {
    readonly today: string;
    readonly zone: string;
    readonly calendar: BusinessCalendarSpec;
    readonly signOff: string;
  },
): ReplyWords {
  const sign = `\n\nThanks,\n${input.signOff}`;
  switch (say) {
    case 'promise': {
      const day = addBusinessDays(input.today, 3, input.calendar);
      return {
        day,
        text: `Hi,\n\nSorry this one slipped through. We will pay this on ${spoken(day, input.zone)}, in full.${sign}`,
      };
    }
    case 'dispute':
      return {
        day: input.today,
        text:
          'Hi,\n\nWe are not paying this one yet: half the goods on this order arrived damaged, and nobody has ' +
          `come back to us about it. Please credit the damaged items and send us a corrected invoice.${sign}`,
      };
    case 'paid': {
      let day = DateTime.fromISO(input.today).minus({ days: 1 }).toISODate()!;
      for (let i = 0; i < 14 && !isBusinessDay(day, input.calendar); i++)
        day = DateTime.fromISO(day).minus({ days: 1 }).toISODate()!;
      return {
        day,
        text: `Hi,\n\nWe paid this on ${spoken(day, input.zone)} by bank transfer. Please check your account.${sign}`,
      };
    }
  }
}

/** A reply as the customer's mail client sends it: their words, then the reminder quoted under "On … wrote:". */
export function customerReplyMime(input: {
  readonly original: ReceivedMail;
  readonly from: { readonly address: string; readonly name: string | null };
  readonly words: string;
  readonly date: Date;
}): Buffer {
  const o = input.original;
  const domain = input.from.address.split('@')[1] ?? 'customer.example';
  const quotedFrom = o.from ?? 'Accounts';
  const when = DateTime.fromJSDate(o.receivedAt).setZone('UTC').toFormat("ccc, d LLL yyyy 'at' HH:mm");
  const quoted = o.text
    .split(/\r?\n/)
    .map((l) => `> ${l}`.trimEnd())
    .join('\n');
  const header = (v: string) => v.replace(/[\r\n]+/g, ' ');
  const fromName = input.from.name ? `"${header(input.from.name).replace(/["\\]/g, '')}" ` : '';
  const lines = [
    `From: ${fromName}<${input.from.address}>`,
    `To: ${header(o.replyTo ?? o.from ?? 'accounts@harbourfoods.example')}`,
    `Subject: ${header(/^re:/i.test(o.subject) ? o.subject : `Re: ${o.subject}`)}`,
    `Date: ${input.date.toUTCString()}`,
    `Message-ID: <demo-reply.${randomBytes(9).toString('hex')}@${domain}>`,
    ...(o.messageId ? [`In-Reply-To: ${o.messageId}`, `References: ${o.messageId}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    input.words,
    '',
    `On ${when}, ${header(quotedFrom)} wrote:`,
    quoted,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
