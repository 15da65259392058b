/**
 * What to do with a send that died between handing the email to the mail server and recording the answer
 * (process killed, connection lost after DATA). Decided by looking, never by guessing.
 */

/** What the sending mailbox's Sent folder says of a Message-ID; 'unknown' when it could not be asked. */
export type SentLookup = 'found' | 'absent' | 'unknown';

/**
 * Who files sent copies. 'server': the mail server files every message it accepts (Gmail, Microsoft 365 and most
 * hosted mailboxes), so a copy still absent after a short wait means the server never accepted it. 'append': we
 * file copies ourselves after the server's 250, so an absent copy proves nothing (we may have died in between).
 */
export type SentCopies = 'server' | 'append';

export type InterruptedSendVerdict =
  | { readonly kind: 'sent' }
  | { readonly kind: 'resend' }
  /** The server may not have filed its copy yet: look again after this long (not a failed attempt). */
  | { readonly kind: 'wait'; readonly ms: number }
  /** The mailbox could not be asked: try again later (a failed attempt, within the outbox's time budget). */
  | { readonly kind: 'retry'; readonly error: string }
  /** Nobody can tell by looking: a person decides (Mark as sent / Resend on the card). */
  | { readonly kind: 'ask' };

/** Providers file sent copies within seconds; two minutes leaves a wide margin before sending again. */
export const SENT_COPY_WAIT_MS = 2 * 60_000;

export function interruptedSendVerdict(input: {
  /** null: no mailbox to look in (IMAP_URL not set). */
  readonly lookup: SentLookup | null;
  readonly copies: SentCopies;
  readonly attemptStartedAt: Date;
  readonly now: Date;
  readonly waitMs?: number;
}): InterruptedSendVerdict {
  if (input.lookup === null) return { kind: 'ask' };
  if (input.lookup === 'found') return { kind: 'sent' };
  if (input.lookup === 'unknown') return { kind: 'retry', error: 'the Sent folder could not be searched' };
  if (input.copies === 'append') return { kind: 'ask' };
  const waited = input.now.getTime() - input.attemptStartedAt.getTime();
  const remaining = (input.waitMs ?? SENT_COPY_WAIT_MS) - waited;
  return remaining > 0 ? { kind: 'wait', ms: remaining } : { kind: 'resend' };
}
