import { createHash } from 'node:crypto';
import { type AddressObject, type HeaderValue, simpleParser } from 'mailparser';
import type { InboundEmail } from '../../use-cases/capture-reply.js';

/**
 * Raw MIME → the parts a reply is matched and stored by (mailparser's simpleParser). Attachments are not kept:
 * a reply is read for its words. A message without a sender is refused (400 on the webhook): nothing could be
 * matched or answered, and real mail always has one.
 */
export async function parseInboundEmail(
  raw: Buffer,
): Promise<{ ok: true; email: InboundEmail } | { ok: false; reason: string }> {
  if (raw.length === 0) return { ok: false, reason: 'the body is empty' };
  let parsed: Awaited<ReturnType<typeof simpleParser>>;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipTextToHtml: true });
  } catch {
    return { ok: false, reason: 'the body is not a MIME message' };
  }
  const from = firstAddress(parsed.from);
  if (!from?.address) return { ok: false, reason: 'the message has no From address' };
  const header = (name: string) => headerText(parsed.headers.get(name));
  const references = Array.isArray(parsed.references)
    ? parsed.references
    : parsed.references
      ? [parsed.references]
      : [];
  const contentType = parsed.headers.get('content-type') as
    | { value?: string; params?: Record<string, string> }
    | undefined;
  const isDeliveryReport =
    contentType?.value?.toLowerCase() === 'multipart/report' &&
    contentType.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const messageId =
    normaliseId(parsed.messageId) ??
    `<sha256.${createHash('sha256').update(raw).digest('hex').slice(0, 40)}@inbound.invalid>`;
  return {
    ok: true,
    email: {
      messageId,
      inReplyTo: parsed.inReplyTo?.trim() || null,
      references,
      fromAddress: from.address.trim().toLowerCase(),
      fromName: from.name?.trim() || null,
      subject: parsed.subject?.trim() || null,
      date: parsed.date && !Number.isNaN(parsed.date.getTime()) ? parsed.date : null,
      text: (parsed.text ?? htmlToPlain(parsed.html || '')).trim(),
      autoSubmitted: header('auto-submitted'),
      precedence: header('precedence'),
      autoResponseSuppress: header('x-auto-response-suppress'),
      deliveryReport: isDeliveryReport ? deliveryReportOf(parsed) : null,
    },
  };
}

/**
 * A bounce's two parts, as text: the delivery status (mailparser folds `message/delivery-status` into the text,
 * some servers attach it) and the returned message's headers (`text/rfc822-headers`, or the whole message).
 */
function deliveryReportOf(parsed: Awaited<ReturnType<typeof simpleParser>>): {
  deliveryStatus: string;
  returnedHeaders: string;
} {
  const parts = parsed.attachments ?? [];
  const of = (types: readonly string[]) =>
    parts
      .filter((a) => types.includes(a.contentType.toLowerCase()))
      .map((a) => a.content.toString('utf8'))
      .join('\n\n');
  const text = parsed.text ?? '';
  return {
    deliveryStatus: [text, of(['message/delivery-status', 'message/global-delivery-status'])].join('\n\n'),
    returnedHeaders: of(['text/rfc822-headers', 'message/rfc822', 'message/global-headers']) || text,
  };
}

function firstAddress(
  from: AddressObject | AddressObject[] | undefined,
): { address?: string; name?: string } | null {
  const list = Array.isArray(from) ? from : from ? [from] : [];
  for (const a of list) for (const v of a.value) if (v.address) return v;
  return null;
}

function normaliseId(id: string | undefined): string | null {
  const m = id ? /<?([^<>\s]+@[^<>\s]+)>?/.exec(id) : null;
  return m ? `<${m[1]}>` : null;
}

function headerText(v: HeaderValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'object' && 'value' in v && typeof v.value === 'string') return v.value;
  return String(v);
}

/** Only when a message has no text part and mailparser made none: tags dropped, entities left as they are. */
function htmlToPlain(html: string): string {
  return html
    .replace(/<(script|style)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<br\s*\/?>|<\/p>/gi, '\n')
    .replace(/<[^>]+>/g, ' ');
}
