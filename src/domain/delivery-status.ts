/**
 * A delivery status notification (RFC 3464: a `multipart/report; report-type=delivery-status` from the receiving
 * side's mail server) is not the customer's words: it says a reminder did not reach an address. Pure: the report's
 * text in, the recipients it gave up on out.
 */

export interface FailedRecipient {
  /** The address, lower-cased, without the `rfc822;` type. */
  readonly address: string;
  /** The enhanced status code (`5.1.1`), when given. */
  readonly status: string | null;
  /** The receiving server's own words, clipped; data, shown escaped. */
  readonly diagnostic: string | null;
}

const MAX_DIAGNOSTIC = 200;

/**
 * The recipients a delivery-status part reports as failed for good: `Action: failed` (a delay, a relay or a
 * success is not a bounce) with a permanent status (5.x.x) or none. Per-recipient fields come in blocks separated
 * by blank lines, after the per-message block; header continuation lines are folded.
 */
export function failedRecipients(deliveryStatus: string): FailedRecipient[] {
  const blocks = deliveryStatus
    .replace(/\r\n?/g, '\n')
    .replace(/\n[ \t]+/g, ' ')
    .split(/\n\s*\n/);
  const out: FailedRecipient[] = [];
  for (const block of blocks) {
    const fields = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line.trim());
      if (m) fields.set(m[1]!.toLowerCase(), m[2]!.trim());
    }
    const action = fields.get('action')?.toLowerCase();
    const recipient = fields.get('final-recipient') ?? fields.get('original-recipient');
    if (action !== 'failed' || !recipient) continue;
    const address = recipient
      .replace(/^[^;]*;\s*/, '')
      .replace(/^<|>$/g, '')
      .trim()
      .toLowerCase();
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) continue;
    const status = /\b([245]\.\d{1,3}\.\d{1,3})\b/.exec(fields.get('status') ?? '')?.[1] ?? null;
    if (status && !status.startsWith('5')) continue;
    const diagnostic = (fields.get('diagnostic-code') ?? '').replace(/^[^;]*;\s*/, '').trim();
    out.push({
      address,
      status,
      diagnostic: diagnostic ? diagnostic.slice(0, MAX_DIAGNOSTIC) : null,
    });
  }
  return out;
}

/** The Message-ID of the message that bounced, from the returned headers (`text/rfc822-headers` or the message). */
export function bouncedMessageId(returnedHeaders: string): string | null {
  const unfolded = returnedHeaders.replace(/\r\n?/g, '\n').replace(/\n[ \t]+/g, ' ');
  const m = /^Message-ID:\s*<?([^<>\s]+@[^<>\s]+)>?/im.exec(unfolded);
  return m ? `<${m[1]}>` : null;
}

/** One line for the card's thread and the History note: which addresses, and the server's code. */
export function bounceSummary(failed: readonly FailedRecipient[]): string {
  return failed.map((f) => `${f.address}${f.status ? ` (${f.status})` : ''}`).join(', ');
}
