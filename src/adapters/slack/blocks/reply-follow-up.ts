import type { ReminderDraft } from '../../../domain/reminder-draft.js';
import { type LedgerPayment, paymentText, type ReplyDraftKind } from '../../../domain/reply-drafts.js';
import { type Block, clip, context, escapeMrkdwn, type SlackMessage, section } from './kit.js';

/**
 * What follows an accepted reply in its thread (#18 part 3): the reply drafted for the customer (to copy into an
 * email: nothing is sent from here), or the ledger payment that matches a "paid already". Every text is escaped:
 * names and references come from Xero and the customer.
 */

const WHAT: Record<ReplyDraftKind, string> = {
  dispute: 'asking for what we need to resolve the dispute',
  remittance: 'asking for the remittance details (no payment in the ledger matches)',
  document: 'with the invoice link',
};

/** A section's text is capped at 3,000 characters: a long body goes in several, each a code block to copy. */
function bodySections(body: string): Block[] {
  const out: Block[] = [];
  const escaped = escapeMrkdwn(body.replace(/```/g, "'''"));
  for (let i = 0; i < escaped.length && out.length < 4; i += 2_800)
    out.push(section(`\`\`\`${escaped.slice(i, i + 2_800)}\`\`\``));
  return out;
}

export function replyDraftMessage(i: {
  readonly customerName: string;
  readonly kind: ReplyDraftKind;
  readonly draft: ReminderDraft;
  /** Collector-facing notes (a link not fetched yet, a draft the ledger could not vouch for). */
  readonly notes?: readonly string[];
}): SlackMessage {
  const name = escapeMrkdwn(clip(i.customerName, 120));
  return {
    text: `Drafted reply to ${name} ${WHAT[i.kind]}`,
    blocks: [
      section(`:memo: *Drafted reply to ${name}*, ${WHAT[i.kind]}.`),
      section(`*Subject:* ${escapeMrkdwn(clip(i.draft.subject, 200))}`),
      ...bodySections(i.draft.body),
      ...(i.notes ?? []).slice(0, 5).map((n) => context(`:warning: ${escapeMrkdwn(clip(n, 500))}`)),
      context(
        "Not sent from here: copy it into your reply to the customer. Its figures are the ledger's, checked; nothing from their email is copied in.",
      ),
    ],
  };
}

export function paymentMatchMessage(i: {
  readonly customerName: string;
  readonly payments: readonly LedgerPayment[];
}): SlackMessage {
  const name = escapeMrkdwn(clip(i.customerName, 120));
  const lines = i.payments.map((p) => `• ${escapeMrkdwn(paymentText(p))}`).join('\n');
  return {
    text: `A payment in the ledger matches ${name}'s "paid already"`,
    blocks: [
      section(`:moneybag: *A payment in the ledger matches ${name}'s "paid already":*\n${lines}`),
      context(
        'The invoice is probably paid: the next sync from Xero shows it. No remittance request is needed.',
      ),
    ],
  };
}

/** The lines the suggestion card adds from the ledger, before anyone decides (mrkdwn, escaped). */
export function paymentFindingLine(payments: readonly LedgerPayment[], window: { from: string; to: string }) {
  return payments.length > 0
    ? `:moneybag: *In the ledger:* ${payments.map((p) => escapeMrkdwn(paymentText(p))).join('; ')}. Chasing stays paused until someone decides.`
    : `:mag: *No payment in the ledger* between ${window.from} and ${window.to}: accepting drafts a request for the remittance details.`;
}

export function linkFindingLine(
  links: readonly { readonly number: string; readonly url: string | null }[],
): string {
  if (links.length === 0)
    return ':mag: The reply names no invoice: accepting drafts a reply to attach a copy to.';
  return `:link: *Online invoice:* ${links
    .map((l) => `${escapeMrkdwn(l.number)} ${l.url ? escapeMrkdwn(l.url) : '(link not yet fetched)'}`)
    .join('; ')}. Accepting drafts the reply with ${links.length === 1 ? 'it' : 'them'}.`;
}
