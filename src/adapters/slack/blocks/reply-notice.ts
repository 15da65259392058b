import { clip, context, escapeMrkdwn, type SlackMessage, section, slackTime } from './kit.js';

/**
 * What a customer's reply looks like in Slack (issue #18): a notice in the reminder card's thread that chasing
 * is paused, or a triage card in the queue channel when nobody matched. Everything the customer wrote (name,
 * address, subject, words) is escaped: it is untrusted text.
 */
export interface ReplyNoticeInput {
  readonly customerName: string;
  readonly fromName: string | null;
  readonly fromAddress: string | null;
  readonly receivedAt: Date;
  readonly subject: string | null;
  readonly excerpt: string;
  readonly autoReply: boolean;
  /** How it was matched, in a few words. */
  readonly matchNote: string;
}

function sender(i: { fromName: string | null; fromAddress: string | null }): string {
  const name = i.fromName?.trim();
  const address = i.fromAddress?.trim();
  if (name && address) return `${escapeMrkdwn(clip(name, 80))} (${escapeMrkdwn(clip(address, 120))})`;
  return escapeMrkdwn(clip(name || address || 'someone', 120));
}

function quote(excerpt: string): string {
  const text = escapeMrkdwn(clip(excerpt, 600));
  return text
    .split('\n')
    .map((l) => `>${l}`)
    .join('\n');
}

export function buildReplyNotice(i: ReplyNoticeInput): SlackMessage {
  const kind = i.autoReply ? 'An automatic reply' : 'A reply';
  const head = `:incoming_envelope: ${kind} from ${sender(i)} for *${escapeMrkdwn(clip(i.customerName, 120))}*, ${slackTime(i.receivedAt)}`;
  const subject = i.subject ? `\n_${escapeMrkdwn(clip(i.subject, 200))}_` : '';
  return {
    // The notification text is read as mrkdwn too: a sender's name like "<!channel>" must not ping anyone.
    text: `${kind} from ${escapeMrkdwn(clip(i.fromName ?? i.fromAddress ?? 'the customer', 120))}: chasing paused until someone handles it`,
    blocks: [
      section(`${head}${subject}\n${quote(i.excerpt)}`),
      context(
        `:double_vertical_bar: Chasing ${escapeMrkdwn(clip(i.customerName, 120))} is paused until someone handles it (${escapeMrkdwn(i.matchNote)}).`,
      ),
    ],
  };
}

export function buildReplyTriage(
  i: Omit<ReplyNoticeInput, 'customerName' | 'matchNote'> & {
    readonly why: string;
    readonly replyId: string;
  },
): SlackMessage {
  const kind = i.autoReply ? 'An automatic reply' : 'A reply';
  const subject = i.subject ? `\n_${escapeMrkdwn(clip(i.subject, 200))}_` : '';
  return {
    text: `${kind} from ${escapeMrkdwn(clip(i.fromName ?? i.fromAddress ?? 'someone', 120))} matches no customer: whose is it?`,
    blocks: [
      section(
        `:mag: *${kind} matches no customer*: ${sender(i)}, ${slackTime(i.receivedAt)}${subject}\n${quote(i.excerpt)}`,
      ),
      context(`${escapeMrkdwn(i.why)}. Nothing is paused. Reply id \`${escapeMrkdwn(i.replyId)}\`.`),
    ],
  };
}
