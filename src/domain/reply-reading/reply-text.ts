/**
 * The part of a reply the customer wrote this time. Mail clients append the message being answered (our own
 * reminder, with its amounts and due dates) and signatures (phone numbers, addresses, office hours): read as
 * the customer's words, a reminder's "please pay by 20 March" would become a promise. Everything from the
 * first quote marker on is the quote; the signature is cut at its delimiter or its closing line.
 */

export interface StrippedReply {
  /** What the customer wrote, trimmed: the only text the readers read, and what evidence quotes. */
  readonly visible: string;
  /** The quoted message(s), or null. */
  readonly quoted: string | null;
  /** The signature block cut from the end of `visible`, or null. */
  readonly signature: string | null;
}

/** A line that starts the quoted message, whatever follows it. */
const QUOTE_START: readonly RegExp[] = [
  /^\s*>/,
  // Gmail / Apple Mail / Outlook for Mac: "On Mon, 10 Aug 2026 at 9:00 AM, Someone <x@y> wrote:"
  /^\s*On\b.{0,300}\bwrote:?\s*$/i,
  /^\s*Le\b.{0,300}\ba écrit\s*:?\s*$/i,
  /^\s*Am\b.{0,300}\bschrieb\b.{0,100}:?\s*$/i,
  /^\s*El\b.{0,300}\bescribió\s*:?\s*$/i,
  /^\s*-{2,}\s*(?:Original Message|Forwarded message|Mensaje original|Message d'origine|Ursprüngliche Nachricht)\s*-{2,}\s*$/i,
  /^\s*Begin forwarded message:?\s*$/i,
  /^\s*_{8,}\s*$/,
];

/** Outlook's header block: "From: …" with "Sent:"/"Date:"/"To:"/"Subject:" within the next lines. */
const HEADER_FROM = /^\s*\*?(?:From|De|Von)\s*:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(?:Sent|Date|To|Subject|Cc|Envoyé|Gesendet|Enviado)\s*:/i;

/** A line that ends what the customer wrote and starts the signature. */
const SIGNATURE_START: readonly RegExp[] = [
  /^\s*(?:--|—|–)\s*$/,
  /^\s*-- $/,
  /^\s*Sent from (?:my\b|Outlook\b|Mail for\b|Yahoo\b|Samsung\b|Gmail\b|the\s+\w+\s+app\b)/i,
  /^\s*Get Outlook for\b/i,
  /^\s*(?:This (?:e-?mail|message)|The information (?:contained )?in this)\b.{0,80}\b(?:confidential|intended)/i,
  /^\s*(?:CONFIDENTIALITY|DISCLAIMER)\b/i,
];

/** Closing words, alone on a line or followed by a short name: "Cheers,", "Kind regards", "Thanks, Mere". */
const CLOSING =
  /^\s*(?:(?:kind|best|warm|warmest|many|with)\s+)?(?:(?:thanks|thank\s+you|many\s+thanks)\s*(?:&|and)\s*(?:kind\s+|best\s+)?regards|regards\s*(?:&|and)\s*thanks|warm\s+wishes|kind\s+wishes|all\s+the\s+best|with\s+thanks|many\s+thanks|thanks\s+so\s+much|regards|rgds|cheers|thanks again|thank you|thanks|thx|ngā mihi nui|ngā mihi|nga mihi|cordialement|bien à vous|best wishes|best|sincerely|yours sincerely|yours faithfully|yours truly|respectfully|ta|kr|br|talk soon|speak soon|mit freundlichen grüßen|saludos|un saludo)\s*[,.!]*/i;
/** What may follow a closing on its line: a name of up to four capitalised words (case matters here). */
const CLOSING_NAME =
  /^\s*(?:[A-Z\u00C0-\u00DE][\w'’.-]*(?:\s+[A-Z\u00C0-\u00DE][\w'’.-]*){0,3})?\s*[,.!]*\s*$/;

function isClosingLine(line: string): boolean {
  const m = CLOSING.exec(line);
  return m !== null && line.trim().length <= 48 && CLOSING_NAME.test(line.slice(m[0].length));
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

/** The offset where the quoted message starts, or -1. */
export function quoteStart(text: string): number {
  const starts = lineStarts(text);
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    // "On … wrote:" wrapped over two lines by the client.
    const joined = `${line} ${lines[i + 1] ?? ''}`;
    if (QUOTE_START.some((re) => re.test(line))) return starts[i] ?? -1;
    if (/^\s*On\b/i.test(line) && /\bwrote:?\s*$/i.test(lines[i + 1] ?? '') && QUOTE_START[1]?.test(joined))
      return starts[i] ?? -1;
    if (HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_NEXT.test(l)))
      return starts[i] ?? -1;
  }
  return -1;
}

/** The offset where the signature starts in `text` (already free of quotes), or -1. */
export function signatureStart(text: string): number {
  const starts = lineStarts(text);
  const lines = text.split('\n');
  // Never the first line: "Thanks for the reminder, noted." is the message, not a closing.
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (SIGNATURE_START.some((re) => re.test(line))) return starts[i] ?? -1;
    if (isClosingLine(line)) return starts[i] ?? -1;
  }
  const first = lines[0] ?? '';
  if (SIGNATURE_START.some((re) => re.test(first))) return 0;
  return -1;
}

export function stripReply(raw: string): StrippedReply {
  const text = raw.replace(/\r\n?/g, '\n');
  const q = quoteStart(text);
  const beforeQuote = q >= 0 ? text.slice(0, q) : text;
  const quoted = q >= 0 ? text.slice(q).trim() || null : null;
  const s = signatureStart(beforeQuote);
  const body = s >= 0 ? beforeQuote.slice(0, s) : beforeQuote;
  const signature = s >= 0 ? beforeQuote.slice(s).trim() || null : null;
  return { visible: body.trim(), quoted, signature };
}
