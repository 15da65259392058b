import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../../logger.js';

/**
 * Bolt and web-api log through this: every line goes to pino (redaction, JSON, levels) and nothing reaches the
 * console. Bolt calls setLevel() during construction; that only moves this adapter's own threshold and
 * never pino's, so our LOG_LEVEL stays the single switch.
 *
 * At debug level both libraries write whole payloads into the message text, where no redaction path reaches:
 * Bolt every request body and ack (a draft email and its recipients in an Edit submission), web-api every
 * request and result (a card's text, a DM). So a debug line passes only when it is one of the libraries' fixed,
 * content-free messages; any other debug line is dropped.
 */
const SAFE_DEBUG = [
  /^apiCall\('[\w.]+'\) (start|end)$/,
  /^http request url: https?:\/\/[^\s?]+\/[\w.]+$/,
  /^http response received$/,
  /^initialized$/,
  /^Initializing \w+$/,
  /^stored response sent$/,
  /^[\w.]+\(\) start$/,
];

export function isSafeDebugLine(text: string): boolean {
  return SAFE_DEBUG.some((re) => re.test(text));
}

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 20,
  [LogLevel.INFO]: 30,
  [LogLevel.WARN]: 40,
  [LogLevel.ERROR]: 50,
};

/** The Bolt level matching a pino level, so Bolt neither hides nor invents lines pino would show. */
export function boltLevelFor(pinoLevel: string): LogLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return LogLevel.DEBUG;
    case 'info':
      return LogLevel.INFO;
    case 'warn':
      return LogLevel.WARN;
    default:
      return LogLevel.ERROR;
  }
}

function toPino(msg: unknown[]): [Record<string, unknown>, string] {
  const fields: Record<string, unknown> = {};
  const words: string[] = [];
  for (const part of msg) {
    if (part instanceof Error) fields.err = part;
    else if (typeof part === 'string') words.push(part);
    else if (part !== undefined) words.push(safeString(part));
  }
  return [fields, words.join(' ')];
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}

export function createBoltLogger(log: Logger): SlackLogger {
  let level = boltLevelFor(log.level);
  let name = 'bolt';
  let child = log.child({ component: 'slack', lib: name });
  const write = (at: LogLevel, method: 'debug' | 'info' | 'warn' | 'error', msg: unknown[]) => {
    if (ORDER[at] < ORDER[level]) return;
    const [fields, text] = toPino(msg);
    if (at === LogLevel.DEBUG && (Object.keys(fields).length > 0 || !isSafeDebugLine(text))) return;
    child[method](fields, text);
  };
  return {
    debug: (...msg: unknown[]) => write(LogLevel.DEBUG, 'debug', msg),
    info: (...msg: unknown[]) => write(LogLevel.INFO, 'info', msg),
    warn: (...msg: unknown[]) => write(LogLevel.WARN, 'warn', msg),
    error: (...msg: unknown[]) => write(LogLevel.ERROR, 'error', msg),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: (next: string) => {
      name = next;
      child = log.child({ component: 'slack', lib: name });
    },
  };
}
