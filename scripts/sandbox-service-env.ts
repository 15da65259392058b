import { SANDBOX_DEFAULTS as SLACK } from '../src/sandbox/slack/index.js';

/**
 * The part of the built service's environment that points it at the sandboxes (Xero, Slack, the SMTP sink), with
 * the sandbox's manager as collector and manager and its three channels: the production smoke and the fault suite
 * run the service this way. Each adds its own database, data directory, log level and the like.
 */
export function sandboxServiceEnv(sandboxes: {
  readonly xero: {
    readonly clientId: string;
    readonly clientSecret: string;
    readonly webhookKey: string;
    readonly apiBasePath: string;
    readonly authorizeUrl: string;
    readonly tokenUrl: string;
    readonly connectionsUrl: string;
  };
  readonly slack: { readonly botToken: string; readonly apiUrl: string };
  readonly signingSecret: string;
  readonly smtpUrl: string;
  readonly mailFrom: string;
}): NodeJS.ProcessEnv {
  const { xero, slack } = sandboxes;
  return {
    XERO_CLIENT_ID: xero.clientId,
    XERO_CLIENT_SECRET: xero.clientSecret,
    XERO_WEBHOOK_KEY: xero.webhookKey,
    XERO_API_URL: xero.apiBasePath,
    XERO_AUTHORIZE_URL: xero.authorizeUrl,
    XERO_TOKEN_URL: xero.tokenUrl,
    XERO_CONNECTIONS_URL: xero.connectionsUrl,
    SLACK_BOT_TOKEN: slack.botToken,
    SLACK_SIGNING_SECRET: sandboxes.signingSecret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_MANAGERS: SLACK.users.manager.id,
    SLACK_COLLECTORS: SLACK.users.manager.id,
    SLACK_DIGEST_CHANNEL: SLACK.channels.digest.id,
    SLACK_QUEUE_CHANNEL: SLACK.channels.queue.id,
    SLACK_ESCALATION_CHANNEL: SLACK.channels.escalations.id,
    SMTP_URL: sandboxes.smtpUrl,
    MAIL_FROM: sandboxes.mailFrom,
  };
}
