import pino, { type Logger } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger } from 'pino';

/**
 * Paths whose values never reach a log line: tokens, secrets, authorisation headers and anything that
 * may hold an email body or customer text. pino's wildcard matches one level, so the common nestings
 * are listed explicitly.
 */
export const REDACTED_PATHS = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'id_token',
  'tokenSet',
  'secret',
  'clientSecret',
  'client_secret',
  'password',
  'authorization',
  'encryptionKey',
  'botToken',
  'appToken',
  'signingSecret',
  'apiKey',
  'body',
  'html',
  'text',
  'emailBody',
  'draft.body',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-slack-signature"]',
  'req.headers["x-xero-signature"]',
  '*.token',
  '*.accessToken',
  '*.access_token',
  '*.refreshToken',
  '*.refresh_token',
  '*.id_token',
  '*.tokenSet',
  '*.secret',
  '*.clientSecret',
  '*.client_secret',
  '*.password',
  '*.authorization',
  '*.apiKey',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.body',
  '*.html',
  '*.text',
  '*.emailBody',
  '*.headers.authorization',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Pretty output for a human at a terminal; JSON otherwise (production, CI, pipes). */
  pretty?: boolean;
  destination?: pino.DestinationStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base: pino.LoggerOptions = {
    level: options.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'ar-copilot' },
    timestamp: pino.stdTimeFunctions.isoTime,
    serializers: { err: pino.stdSerializers.err },
  };
  if (options.destination) return pino(base, options.destination);
  if (options.pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname,service' } },
    });
  }
  return pino(base);
}
