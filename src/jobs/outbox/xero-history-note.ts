import type { HandlerOutcome, KindHandler, KindItem } from '../../adapters/outbox/outbox-worker.js';
import type { XeroNoteWriter } from '../../adapters/xero/history-notes.js';
import { errorMessage } from '../../errors.js';

/** `xero.history_note`: one note on an invoice or a contact, with the outbox key as Xero's Idempotency-Key. */
export function xeroHistoryNoteHandler(writer: XeroNoteWriter): KindHandler<'xero.history_note'> {
  return (item) => writeXeroNote(writer, item);
}

export async function writeXeroNote(
  writer: XeroNoteWriter,
  item: KindItem<'xero.history_note'>,
): Promise<HandlerOutcome> {
  const { documentType, documentId, details } = item.payload;
  if (!item.orgId) return { status: 'failed', error: 'history note without an organisation' };
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
