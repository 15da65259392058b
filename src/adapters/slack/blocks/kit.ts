import { type Decimal, dec, formatMoneyForTeam } from '../../../domain/money.js';

/**
 * Small, pure Block Kit helpers shared by the surface builders. Limits (reference/slack-platform.md §5):
 * 50 blocks per message, 100 per view, section text ≤ 3000, fields ≤ 10 × 2000, header ≤ 150, button text
 * ≤ 75 and value ≤ 2000, and an undocumented ~12k cumulative text budget per message (we keep under 10k).
 */
export interface Block {
  readonly type: string;
  readonly block_id?: string;
  readonly [key: string]: unknown;
}

export interface SlackMessage {
  /** Notification and screen-reader fallback; always sent with blocks. */
  readonly text: string;
  readonly blocks: Block[];
}

export const MESSAGE_MAX_BLOCKS = 50;
export const VIEW_MAX_BLOCKS = 100;
/** Our own budget for a message's total text, below the ~12k where Slack answers msg_blocks_too_long. */
export const MESSAGE_TEXT_BUDGET = 9_000;

/** Slack's three control characters in mrkdwn; everything from Xero or a person goes through this. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A moment as Slack's date token: each reader sees it in their own time zone (a New Zealand team read UTC times
 * before). The fallback, for clients that cannot render the token, is UTC and says so.
 */
export function slackTime(d: Date): string {
  const fallback = `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${Math.floor(d.getTime() / 1000)}^{date_short_pretty} {time}|${fallback}>`;
}

/**
 * Cuts to at most `max` UTF-16 units (how Slack counts its limits), ending with an ellipsis when cut. Never splits
 * a surrogate pair (an emoji) or an escape such as `&amp;` left by escapeMrkdwn.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const last = cut.charCodeAt(cut.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && amp >= cut.length - 4 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

/** 'NZ$1,234.50', 'US$1,234.50', '£1,234.50': never a bare `$` (formatMoneyForTeam). */
export function money(amount: Decimal, currency: string): string {
  return formatMoneyForTeam(amount, currency);
}

/** "▲ NZ$1,200.00" / "▼ NZ$300.00" / "no change". */
export function moneyChange(delta: Decimal, currency: string): string {
  const d = dec(delta);
  if (d.eq(0)) return 'no change';
  return d.gt(0) ? `▲ ${formatMoneyForTeam(d, currency)}` : `▼ ${formatMoneyForTeam(d.abs(), currency)}`;
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: true } };
}

export function section(mrkdwn: string, extra: Record<string, unknown> = {}): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clip(mrkdwn, 3000) }, ...extra };
}

export function fields(items: readonly string[]): Block {
  return {
    type: 'section',
    fields: items.slice(0, 10).map((t) => ({ type: 'mrkdwn', text: clip(t, 2000) })),
  };
}

export function context(mrkdwn: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clip(mrkdwn, 3000) }] };
}

export function divider(): Block {
  return { type: 'divider' };
}

export interface ButtonSpec {
  readonly text: string;
  readonly actionId: string;
  readonly value: string;
  readonly style?: 'primary' | 'danger';
  readonly url?: string;
  readonly confirm?: { title: string; text: string; confirm: string; deny: string };
}

export function button(b: ButtonSpec): Record<string, unknown> {
  return {
    type: 'button',
    text: { type: 'plain_text', text: clip(b.text, 75), emoji: true },
    action_id: b.actionId,
    value: clip(b.value, 2000),
    ...(b.style ? { style: b.style } : {}),
    ...(b.url ? { url: b.url } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text', text: clip(b.confirm.title, 100) },
            text: { type: 'plain_text', text: clip(b.confirm.text, 300) },
            confirm: { type: 'plain_text', text: clip(b.confirm.confirm, 30) },
            deny: { type: 'plain_text', text: clip(b.confirm.deny, 30) },
          },
        }
      : {}),
  };
}

export function actions(blockId: string | undefined, buttons: readonly ButtonSpec[]): Block {
  return {
    type: 'actions',
    ...(blockId ? { block_id: clip(blockId, 255) } : {}),
    elements: buttons.slice(0, 25).map(button),
  };
}

/** Characters of text a message's blocks carry (what Slack's cumulative budget counts, roughly). */
export function textLength(blocks: readonly Block[]): number {
  let n = 0;
  const walk = (v: unknown, key?: string): void => {
    if (typeof v === 'string') {
      if (key === 'text') n += v.length;
      return;
    }
    if (Array.isArray(v)) for (const x of v) walk(x);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  walk(blocks);
  return n;
}

export function percent(share: number | null): string {
  return share === null ? 'n/a' : `${Math.round(share * 1000) / 10}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
}
