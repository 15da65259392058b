import { ErrorCode, type WebAPIPlatformError, type WebAPIRateLimitedError } from '@slack/web-api';
import type { AppContext } from '../../context.js';
import { errorMessage } from '../../errors.js';
import {
  OUTBOX_REMINDER_CARD,
  OUTBOX_SEND_REMINDER,
  OUTBOX_XERO_NOTE,
} from '../../use-cases/decide-reminder.js';
import { deliverReminder } from '../../use-cases/deliver-reminder.js';
import { OUTBOX_PROMISE_THANK_YOU, sendPromiseThankYou } from '../../use-cases/promise-thank-you.js';
import { type RunDunningResult, runDunning } from '../../use-cases/run-dunning.js';
import {
  countPriorReminders,
  currentDraft,
  getReminder,
  listDraftVersions,
  type ReminderRow,
} from '../db/dunning-queries.js';
import { getReminderFacts, recordReminderMessage } from '../db/reminder-cards.js';
import { getSlackSettings } from '../db/slack-settings.js';
import { createAnthropicDrafter, hashDraftInputs, type ReminderDrafter } from '../llm/reminder-drafter.js';
import { createImapSentMailbox, type SentMailbox } from '../mail/sent-mailbox.js';
import { createSmtpSender, type MailSender } from '../mail/smtp-sender.js';
import { slackTime } from '../slack/blocks/kit.js';
import { buildReminderCard, draftDiff, escapeMrkdwn } from '../slack/blocks/reminder-card.js';
import { findPostedMessage, postMetadata } from '../slack/post-once.js';
import type { XeroNoteWriter } from '../xero/history-notes.js';
import { createGatewayInvoiceEmailer, type XeroInvoiceEmailer } from '../xero/invoice-email.js';
import { createGatewayOnlineInvoiceFetcher, type OnlineInvoiceFetcher } from '../xero/online-invoices.js';
import type { OutboxItem } from './outbox-store.js';
import type { HandlerOutcome } from './outbox-worker.js';

export interface DunningHandlerDeps {
  /** The SMTP sender built from config.mail; null → reminders fail with a clear reason. */
  readonly mail: MailSender | null;
  /** The Xero gateway's History writer; null → notes wait in the outbox until one is registered. */
  readonly xeroNotes: XeroNoteWriter | null;
  /** Where interrupted sends are looked up (IMAP_URL); null → a person decides on the card. */
  readonly sentMailbox?: SentMailbox | null;
  /** Xero's own invoice email for xero_email steps; null → such reminders fail with the reason on the card. */
  readonly xeroEmail?: XeroInvoiceEmailer | null;
  /**
   * Gap between posts to one channel from this process (default 1,100 ms): chat.postMessage allows about one
   * message per second per channel, and a morning's cards would otherwise turn into a wall of 429s.
   */
  readonly minPostIntervalMs?: number;
}

/** Spaces posts per channel; a 429 from another instance's posts still comes back through the outbox. */
export function createChannelPacer(
  minIntervalMs: number,
  sleep = (ms: number) => new Promise((r) => setTimeout(r, ms)),
) {
  const last = new Map<string, number>();
  return async (channel: string): Promise<void> => {
    const wait = (last.get(channel) ?? 0) + minIntervalMs - Date.now();
    if (wait > 0) await sleep(wait);
    last.set(channel, Date.now());
  };
}

/**
 * Registers the dunning side effects: the approval card (post, update, thread), the reminder email, and the
 * Xero History notes. Each is idempotent on its outbox item (see outbox-worker.ts).
 */
export function registerDunningHandlers(ctx: AppContext, deps: DunningHandlerDeps): void {
  // Without Slack the cards wait in the outbox for a process that has it, instead of dying.
  const pace = createChannelPacer(deps.minPostIntervalMs ?? 1_100);
  if (ctx.slack) ctx.outboxHandlers.set(OUTBOX_REMINDER_CARD, (item) => postReminderCard(ctx, item, pace));
  ctx.outboxHandlers.set(OUTBOX_SEND_REMINDER, async (item) => {
    const sendDeps = {
      db: ctx.database.db,
      mail: deps.mail,
      now: () => ctx.clock.now(),
      sentMailbox: deps.sentMailbox ?? null,
      xeroEmail: deps.xeroEmail ?? null,
    };
    const reminderId = String(item.payload.reminderId);
    // When the retries run out, the dead letter marks the reminder "Not sent" (use-cases/dead-letter.ts).
    return deliverReminder(sendDeps, reminderId);
  });
  // A kept promise's thank-you (#18 part 4): the same SMTP sender, one attempt.
  ctx.outboxHandlers.set(OUTBOX_PROMISE_THANK_YOU, (item) =>
    sendPromiseThankYou(
      { db: ctx.database.db, mail: deps.mail, now: () => ctx.clock.now(), ...senderIdentity(ctx.config) },
      Number(item.payload.promiseId),
    ),
  );
  const writer = deps.xeroNotes;
  if (writer) ctx.outboxHandlers.set(OUTBOX_XERO_NOTE, (item) => writeXeroNote(writer, item));
}

export async function writeXeroNote(writer: XeroNoteWriter, item: OutboxItem): Promise<HandlerOutcome> {
  const { documentType, documentId, details } = item.payload as {
    documentType?: string;
    documentId?: string;
    details?: string;
  };
  if (!item.orgId || (documentType !== 'invoice' && documentType !== 'contact') || !documentId || !details) {
    return { status: 'failed', error: 'malformed history note item' };
  }
  try {
    const out = await writer.addNotes(item.orgId, documentType, documentId, [details], item.idempotencyKey);
    switch (out.kind) {
      case 'written':
        return { status: 'done', result: { documentType, documentId } };
      case 'rate-limited':
        return { status: 'retry', error: out.error, retryAfterMs: out.retryAfterMs, rateLimited: true };
      case 'retryable':
        return { status: 'retry', error: out.error };
      case 'rejected':
        return { status: 'failed', error: out.error };
    }
  } catch (err) {
    return { status: 'retry', error: errorMessage(err) };
  }
}

/** Where a Slack Web API error leaves the item: 429 waits for Retry-After; a refusal by Slack is final. */
export function slackFailure(err: unknown): HandlerOutcome {
  const code = (err as { code?: string }).code;
  if (code === ErrorCode.RateLimitedError) {
    const retryAfter = (err as WebAPIRateLimitedError).retryAfter;
    return {
      status: 'retry',
      error: `Slack rate limited (retry after ${retryAfter}s)`,
      retryAfterMs: retryAfter * 1000,
      rateLimited: true,
    };
  }
  if (code === ErrorCode.PlatformError) {
    const slackError = (err as WebAPIPlatformError).data?.error ?? 'unknown';
    // Transient platform answers; everything else (channel_not_found, not_in_channel, invalid_blocks…) is final.
    if (
      ['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(
        slackError,
      )
    ) {
      return { status: 'retry', error: `Slack: ${slackError}` };
    }
    return { status: 'failed', error: `Slack refused: ${slackError}` };
  }
  return { status: 'retry', error: errorMessage(err) };
}

async function postReminderCard(
  ctx: AppContext,
  item: OutboxItem,
  pace: (channel: string) => Promise<void>,
): Promise<HandlerOutcome> {
  if (!ctx.slack) return { status: 'failed', error: 'Slack is not configured' };
  const { client } = ctx.slack;
  const db = ctx.database.db;
  const reminderId = String(item.payload.reminderId);
  const reminder = await getReminder(db, reminderId);
  if (!reminder) return { status: 'failed', error: `reminder ${reminderId} no longer exists` };
  const [facts, draft, priorReminders] = await Promise.all([
    getReminderFacts(db, reminderId),
    currentDraft(db, reminderId),
    countPriorReminders(db, reminder),
  ]);
  if (!facts || !draft) return { status: 'failed', error: `reminder ${reminderId} has no draft yet` };
  const card = buildReminderCard({ ...reminder, priorReminders }, facts, draft);
  try {
    let channel = reminder.slackChannel;
    let ts = reminder.slackTs;
    if (!channel || !ts) {
      const settings = await getSlackSettings(db, reminder.orgId, ctx.config.slack?.defaults ?? noDefaults);
      if (!settings.queueChannel) {
        return { status: 'failed', error: 'no queue channel is set for this organisation' };
      }
      // Post under a row lock so two workers holding two card items for one reminder never post two cards.
      const posted = await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('reminders')
          .select(['slack_channel', 'slack_ts'])
          .where('id', '=', reminderId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        if (row.slack_channel && row.slack_ts)
          return { channel: row.slack_channel, ts: row.slack_ts, fresh: false };
        const cardKey = `card:${reminderId}`;
        // A retry may follow an answer that hid a successful post (a 5xx, a timeout): look before posting again.
        const found =
          item.attempts > 1
            ? await findPostedMessage(client, {
                channel: settings.queueChannel!,
                key: cardKey,
                since: item.createdAt,
              })
            : null;
        if (found) {
          await recordReminderMessage(trx, reminderId, settings.queueChannel!, found);
          return { channel: settings.queueChannel!, ts: found, fresh: false };
        }
        await pace(settings.queueChannel!);
        const res = await client.chat.postMessage({
          channel: settings.queueChannel!,
          text: card.text,
          blocks: card.blocks,
          unfurl_links: false,
          metadata: postMetadata(cardKey),
        });
        await recordReminderMessage(trx, reminderId, res.channel ?? settings.queueChannel!, res.ts!);
        return { channel: res.channel ?? settings.queueChannel!, ts: res.ts!, fresh: true };
      });
      channel = posted.channel;
      ts = posted.ts;
      if (!posted.fresh) await client.chat.update({ channel, ts, text: card.text, blocks: card.blocks });
    } else {
      await client.chat.update({ channel, ts, text: card.text, blocks: card.blocks });
    }
    const thread = await threadText(ctx, item, reminder);
    if (thread) {
      const lineKey = `${item.idempotencyKey}:thread`;
      const already =
        item.attempts > 1
          ? await findPostedMessage(client, { channel, key: lineKey, since: item.createdAt, threadTs: ts })
          : null;
      if (!already) {
        await pace(channel);
        await client.chat.postMessage({
          channel,
          thread_ts: ts,
          text: thread,
          unfurl_links: false,
          metadata: postMetadata(lineKey),
        });
      }
    }
    return { status: 'done', result: { channel, ts } };
  } catch (err) {
    return slackFailure(err);
  }
}

const noDefaults = {
  managers: [],
  collectors: [],
  digestChannel: null,
  queueChannel: null,
  escalationChannel: null,
};

const hhmm = slackTime;

/** What happened, for the card's thread: who did what, when (edits with a diff). */
async function threadText(ctx: AppContext, item: OutboxItem, r: ReminderRow): Promise<string | null> {
  const runEvent = typeof item.payload.event === 'string' ? item.payload.event : null;
  const when = hhmm(item.createdAt);
  const by = escapeMrkdwn(r.decidedByName ?? 'someone');
  if (runEvent) {
    if (runEvent.startsWith('resurfaced'))
      return `:alarm_clock: Snooze ended (${when}): this reminder needs a decision again.`;
    if (runEvent === 'superseded')
      return `:arrows_counterclockwise: Superseded (${when}) by a later step for this customer.`;
    return null;
  }
  const event = item.idempotencyKey.split(':')[2];
  switch (event) {
    case 'approved':
      return `:white_check_mark: Approved by ${by} at ${when}.`;
    case 'skipped':
      return `:fast_forward: Skipped by ${by} at ${when}.`;
    case 'snoozed':
      return `:zzz: Snoozed by ${by} at ${when} until ${r.snoozedUntil}.`;
    case 'escalated':
      return `:rotating_light: Escalated by ${by} at ${when}: a manager decides now.`;
    case 'sent':
      return r.channel === 'xero_email'
        ? `:email: Sent by Xero with your Xero invoice email template, to the contact's addresses in Xero, at ${hhmm(r.sentAt ?? item.createdAt)}.`
        : `:email: Sent to ${escapeMrkdwn(r.recipients.join(', '))} at ${hhmm(r.sentAt ?? item.createdAt)}.`;
    case 'failed':
      return `:warning: Not sent (${when}): ${escapeMrkdwn(r.lastError ?? 'unknown error')}`;
    case 'redrafted': {
      const changes = Array.isArray(item.payload.changes) ? item.payload.changes.map(String) : [];
      const who = escapeMrkdwn(String(item.payload.by ?? 'someone'));
      const what = changes.map((c) => `• ${escapeMrkdwn(c)}`).join('\n');
      return item.payload.closed === true
        ? `:no_entry_sign: Not sent: ${who} approved at ${when}, but nothing on this card is left to chase:\n${what}`
        : `:arrows_counterclockwise: Not sent: ${who} approved at ${when}, but the card was out of date:\n${what}\nIt now shows today's figures; check it and approve again.`;
    }
    case 'edit': {
      const version = Number(item.payload.editedVersion);
      const versions = await listDraftVersions(ctx.database.db, r.id);
      const after = versions.find((v) => v.version === version);
      const before = versions.find((v) => v.version === version - 1);
      if (!after) return null;
      const who = escapeMrkdwn(after.authorName ?? 'someone');
      const diff = before ? `\n\`\`\`\n${escapeMrkdwn(draftDiff(before, after))}\n\`\`\`` : '';
      return `:pencil2: ${who} edited the draft at ${when} (v${version - 1} → v${version}).${diff}`;
    }
    default:
      return null;
  }
}

/** The sending mailbox's domain for Message-IDs, and the name drafts are signed with, from MAIL_FROM. */
export function senderIdentity(config: AppContext['config']): { messageDomain: string; senderName: string } {
  const from = config.mail?.from ?? '';
  const address = /<([^>]+)>/.exec(from)?.[1] ?? from;
  const domain = address.includes('@') ? address.split('@')[1]!.trim() : new URL(config.publicUrl).hostname;
  const display = /^\s*"?([^"<]+?)"?\s*</.exec(from)?.[1]?.trim();
  return { messageDomain: domain, senderName: display || 'Accounts team' };
}

/**
 * What the service and the CLI need to run dunning: the drafter (Claude when configured), the SMTP sender,
 * and the outbox handlers registered into the context. Returns a function that closes the mail transport.
 */
/** Claude when configured; null means templates. */
function drafterFor(ctx: AppContext): ReminderDrafter | null {
  return ctx.config.anthropic
    ? createAnthropicDrafter({
        apiKey: ctx.config.anthropic.apiKey,
        model: ctx.config.anthropic.model,
        baseURL: ctx.config.anthropic.baseUrl,
        log: ctx.log.child({ component: 'reminder-drafter' }),
      })
    : null;
}

export function installDunning(
  ctx: AppContext,
  options: { xeroNotes?: XeroNoteWriter | null; xeroEmail?: XeroInvoiceEmailer | null } = {},
): { drafter: ReminderDrafter | null; messageDomain: string; senderName: string; close(): void } {
  const mail = ctx.config.mail ? createSmtpSender(ctx.config.mail) : null;
  const imap = ctx.config.imap;
  const sentMailbox = imap
    ? createImapSentMailbox({
        address: imap.address,
        folder: imap.sentFolder,
        copies: imap.sentCopies,
        log: ctx.log.child({ component: 'sent-mailbox' }),
      })
    : null;
  registerDunningHandlers(ctx, {
    mail,
    xeroNotes: options.xeroNotes ?? null,
    sentMailbox,
    xeroEmail: options.xeroEmail === undefined ? xeroInvoiceEmailerFor(ctx) : options.xeroEmail,
  });
  const drafter = drafterFor(ctx);
  return { drafter, ...senderIdentity(ctx.config), close: () => mail?.close() };
}

/** Xero's invoice email through the gateway (interactive: a person approved it), when Xero is configured. */
export function xeroInvoiceEmailerFor(ctx: AppContext): XeroInvoiceEmailer | null {
  return ctx.config.xero.credentials
    ? createGatewayInvoiceEmailer({
        db: ctx.database.db,
        tenantApi: (org) => ctx.xero.tenantApi(org, 'interactive'),
      })
    : null;
}

/**
 * Online-invoice links for a planning run (a new fetcher per run: it keeps each tenant's API for the run). Planning
 * is background work, so these calls stop at the daily reserve kept for History notes and people's requests.
 */
export function onlineInvoiceFetcherFor(ctx: AppContext): OnlineInvoiceFetcher | null {
  return ctx.config.xero.credentials
    ? createGatewayOnlineInvoiceFetcher({
        db: ctx.database.db,
        tenantApi: (org) => ctx.xero.tenantApi(org, 'background'),
      })
    : null;
}

/**
 * The morning's dunning for one organisation (for `wiring.runMorning` and a scheduled job): plan, draft and
 * queue the cards. The outbox worker posts them.
 */
export async function runMorningDunning(
  ctx: AppContext,
  orgId: string,
  now: Date,
): Promise<RunDunningResult> {
  const drafter = drafterFor(ctx);
  const result = await runDunning(
    {
      db: ctx.database.db,
      drafter,
      hashInputs: hashDraftInputs,
      onlineInvoices: onlineInvoiceFetcherFor(ctx),
    },
    { orgId, now, ...senderIdentity(ctx.config) },
  );
  ctx.log.info(
    {
      orgId,
      asOf: result.asOf,
      proposed: result.reminders.filter((r) => r.created).length,
      skipped: result.plan.actions.filter((a) => a.kind === 'skip').length,
      escalations: result.plan.escalations.length,
      onlineLinksFetched: result.onlineLinks?.fetched ?? 0,
      onlineLinksStopped: result.onlineLinks?.stopped ?? null,
    },
    'dunning run',
  );
  return result;
}
