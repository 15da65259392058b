import type { ArRequest, ArSubcommand } from '../../use-cases/ar-command.js';

/**
 * `/ar` text → what to do. Pure: `answerArCommand` resolves the organisation, checks roles and runs it.
 * `org:NAME` (or `org:"Two Words"`) picks the organisation; a trailing `share` posts the answer in the channel.
 */
export type ArCommand = { readonly kind: 'help'; readonly problem?: string } | ArRequest;

export const TOP_DEFAULT = 10;
export const TOP_MAX = 25;

const ORG = /(?:^|\s)org:(?:"([^"]+)"|(\S+))/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseArCommand(raw: string): ArCommand {
  let text = raw.replace(/\s+/g, ' ').trim();
  let orgRef: string | null = null;
  const org = ORG.exec(text);
  if (org) {
    orgRef = (org[1] ?? org[2] ?? '').trim() || null;
    text = `${text.slice(0, org.index)} ${text.slice(org.index + org[0].length)}`.trim();
  }
  const tokens = text.split(' ').filter(Boolean);
  let share = false;
  if (tokens.length > 1 && tokens[tokens.length - 1]!.toLowerCase() === 'share') {
    share = true;
    tokens.pop();
  }
  const sub = (tokens.shift() ?? 'help').toLowerCase();
  const rest = tokens.join(' ');
  const scoped = <T extends ArSubcommand>(c: T): ArCommand => ({ ...c, orgRef, share });

  switch (sub) {
    case 'help':
    case '?':
      return { kind: 'help' };
    case 'top': {
      if (!rest) return scoped({ kind: 'top', limit: TOP_DEFAULT });
      const n = Number(rest);
      if (!/^\d+$/.test(rest) || n < 1 || n > TOP_MAX) {
        return { kind: 'help', problem: `\`top\` takes a number from 1 to ${TOP_MAX} (got "${rest}").` };
      }
      return scoped({ kind: 'top', limit: n });
    }
    case 'aging':
    case 'ageing':
      return scoped({ kind: 'aging', customer: rest || null });
    case 'customer':
      if (!rest) return { kind: 'help', problem: '`customer` needs a name, e.g. `/ar customer acme`.' };
      return scoped({ kind: 'customer', customer: rest });
    case 'forecast':
      return scoped({ kind: 'forecast' });
    case 'kpis':
    case 'kpi':
    case 'report': {
      const kind = sub === 'report' ? 'report' : 'kpis';
      const p = rest.toLowerCase();
      if (p === '' || p === 'week' || p === 'weekly') return scoped({ kind, period: 'week' });
      if (p === 'month' || p === 'monthly') return scoped({ kind, period: 'month' });
      return { kind: 'help', problem: `\`${kind}\` takes week or month (got "${rest.slice(0, 20)}").` };
    }
    case 'sync':
      return scoped({ kind: 'sync' });
    case 'setup':
      return scoped({ kind: 'setup' });
    case 'policy':
      return scoped({ kind: 'policy' });
    case 'promises':
    case 'promise':
      return scoped({ kind: 'promises' });
    case 'disputes':
    case 'dispute':
      return scoped({ kind: 'disputes' });
    case 'resume':
      if (!rest) return { kind: 'help', problem: '`resume` needs a customer, e.g. `/ar resume acme`.' };
      return scoped({ kind: 'resume', customer: rest });
    case 'pause':
      return parsePause(tokens, scoped);
    default:
      return { kind: 'help', problem: `Unknown command "${sub.slice(0, 40)}".` };
  }
}

/** `pause CUSTOMER [until YYYY-MM-DD] [reason…]`; without a date, `--` separates the reason. */
function parsePause(tokens: string[], scoped: (c: ArSubcommand) => ArCommand): ArCommand {
  const untilAt = tokens.findIndex((t, i) => t.toLowerCase() === 'until' && i > 0);
  let customer: string[];
  let until: string | null = null;
  let reason: string[] = [];
  if (untilAt > 0) {
    const date = tokens[untilAt + 1] ?? '';
    if (!DATE.test(date)) {
      return {
        kind: 'help',
        problem: `\`pause … until\` needs a date like 2026-12-01 (got "${date.slice(0, 20)}").`,
      };
    }
    customer = tokens.slice(0, untilAt);
    until = date;
    reason = tokens.slice(untilAt + 2);
  } else {
    const sep = tokens.indexOf('--');
    customer = sep >= 0 ? tokens.slice(0, sep) : tokens;
    reason = sep >= 0 ? tokens.slice(sep + 1) : [];
  }
  if (reason[0] === '--' || reason[0] === ':') reason = reason.slice(1);
  if (customer.length === 0) {
    return {
      kind: 'help',
      problem: '`pause` needs a customer, e.g. `/ar pause acme until 2026-12-01 on holiday`.',
    };
  }
  return scoped({
    kind: 'pause',
    customer: customer.join(' '),
    until,
    reason: reason.length ? reason.join(' ') : null,
  });
}
