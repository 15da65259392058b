// Over 300 lines: sends every kind of request Slack sends (commands, actions, views, events, shortcuts), signed as Slack signs them.
import { createHmac, randomBytes } from 'node:crypto';
import type { EnvelopeType, SlackSandbox } from './index.js';

/**
 * Sends requests to our app exactly as Slack does (reference/slack-platform.md §3): one endpoint,
 * `application/x-www-form-urlencoded` (bare, no charset: Bolt matches the header exactly) for commands and
 * interactivity with `payload=<JSON>`, `application/json` for events, and `X-Slack-Signature`
 * = `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<the exact bytes sent>`.
 *
 * Given a sandbox, it takes clicks and submissions from what the app really posted or opened, hands out
 * response_urls and trigger_ids the sandbox honours, and applies the app's HTTP replies (a command's ack,
 * a view_submission's response_action) to the sandbox as Slack's client would.
 */

export interface SignedClientOptions {
  /** Our app's origin, e.g. http://127.0.0.1:PORT */
  readonly baseUrl: string;
  readonly signingSecret: string;
  readonly teamId?: string;
  readonly teamDomain?: string;
  readonly apiAppId?: string;
  readonly path?: string;
  readonly sandbox?: SlackSandbox;
  /**
   * 'http' (default): signed POSTs to the app. 'socket-mode': the same bodies pushed through the sandbox's
   * Socket Mode connection (the app must have opened one with SLACK_APP_TOKEN); overrides do not apply.
   */
  readonly transport?: 'http' | 'socket-mode';
}

export interface RequestOverrides {
  /** 'forged' signs with the wrong secret; any other string is sent as the signature header verbatim. */
  readonly signature?: 'forged' | string;
  /** Unix seconds to sign and send (e.g. 6 minutes ago to be stale). */
  readonly timestamp?: number;
  /** Send a different content-type header than Slack would (the body is unchanged). */
  readonly contentType?: string;
  /** Slack's redelivery headers. */
  readonly retryNum?: number;
  readonly retryReason?: string;
}

export interface SignedResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The response body as text ('' for none). */
  readonly body: string;
  json<T = unknown>(): T;
}

export interface CommandInput {
  readonly command?: string;
  readonly text: string;
  readonly userId: string;
  readonly channelId: string;
  readonly triggerId?: string;
  readonly responseUrl?: string;
}

export interface ActionInput {
  readonly action_id: string;
  readonly block_id: string;
  readonly type: string;
  readonly value?: string;
  readonly selected_option?: { text: { type: 'plain_text'; text: string }; value: string };
  readonly selected_date?: string;
  readonly text?: { type: 'plain_text'; text: string };
}

export interface BlockActionInput {
  readonly userId: string;
  readonly actions: readonly ActionInput[];
  readonly channelId?: string;
  /** A message the click came from when not taken from the sandbox. */
  readonly message?: { ts: string; text?: string; blocks?: unknown[]; [key: string]: unknown };
  /** Take the clicked message from the sandbox: exactly what the app posted. */
  readonly fromMessage?: { channel: string; ts: string };
  /** Take the clicked ephemeral message from the sandbox (Slack sends no `message` for these). */
  readonly fromEphemeral?: { channel: string; ts: string };
  /** A view (modal or App Home) the click came from when not taken from the sandbox. */
  readonly view?: Record<string, unknown>;
  /** Take the view from the sandbox by id. */
  readonly fromView?: string;
  readonly container?: Record<string, unknown>;
  readonly triggerId?: string;
  readonly responseUrl?: string;
}

type StateValues = Record<string, Record<string, Record<string, unknown>>>;

export interface ViewSubmissionInput {
  readonly userId: string;
  /** A view payload when not taken from the sandbox. */
  readonly view?: {
    id: string;
    callback_id: string;
    private_metadata?: string;
    hash?: string;
    state?: { values: StateValues };
    [key: string]: unknown;
  };
  /** Take the open view from the sandbox; `values` are what the user typed (merged over initial values). */
  readonly fromView?: string;
  readonly values?: StateValues;
  readonly triggerId?: string;
}

export interface ViewClosedInput {
  readonly userId: string;
  readonly view?: ViewSubmissionInput['view'];
  readonly fromView?: string;
  readonly isCleared?: boolean;
}

export interface MessageShortcutInput {
  readonly callbackId: string;
  readonly userId: string;
  readonly channelId?: string;
  readonly message?: { ts: string; text?: string; user?: string; [key: string]: unknown };
  readonly fromMessage?: { channel: string; ts: string };
  readonly triggerId?: string;
  readonly responseUrl?: string;
}

export interface UserMessageInput {
  readonly channel: string;
  readonly user: string;
  readonly text: string;
  readonly thread_ts?: string;
}

export type EventInput = { readonly type: string; readonly event_id?: string } & Record<string, unknown>;

export interface SlackRequestClient {
  command(input: CommandInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  blockAction(input: BlockActionInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  viewSubmission(input: ViewSubmissionInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  viewClosed(input: ViewClosedInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  /** An Events API delivery: the inner event (`type`, fields); the envelope is built here. */
  event(event: EventInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  messageShortcut(input: MessageShortcutInput, overrides?: RequestOverrides): Promise<SignedResponse>;
  /**
   * A person posts in the sandbox and Slack tells the app: the `message` event, plus `app_mention` when the
   * text mentions the bot (Slack sends both). Needs a sandbox.
   */
  userMessage(input: UserMessageInput): Promise<{ ts: string; responses: SignedResponse[] }>;
  /** Signs and posts a body as given (for contract tests of the receiver itself). */
  send(body: string, contentType: string, overrides?: RequestOverrides): Promise<SignedResponse>;
}

export function signSlackRequest(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

const FORM = 'application/x-www-form-urlencoded';

export function createSlackRequestClient(options: SignedClientOptions): SlackRequestClient {
  const { sandbox } = options;
  const teamId = options.teamId ?? sandbox?.team.id ?? 'T0SANDBOX';
  const teamDomain = options.teamDomain ?? sandbox?.team.domain ?? 'ar-sandbox';
  const apiAppId = options.apiAppId ?? sandbox?.bot.appId ?? 'A0ARCOPILOT';
  const endpoint = `${options.baseUrl.replace(/\/+$/, '')}${options.path ?? '/slack/events'}`;
  // The deprecated verification token still rides along in every payload.
  const verificationToken = 'sandbox-verification-token';

  const userObject = (userId: string) => {
    const user = sandbox?.user(userId);
    return {
      id: userId,
      username: user?.name ?? userId.toLowerCase(),
      name: user?.name ?? userId.toLowerCase(),
      team_id: teamId,
    };
  };
  const channelObject = (channelId: string) => ({
    id: channelId,
    name: sandbox?.channel(channelId)?.name ?? channelId.toLowerCase(),
  });
  const trigger = (userId: string, given?: string) =>
    given ??
    sandbox?.createTriggerId(userId) ??
    `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`;

  async function send(
    body: string,
    contentType: string,
    overrides: RequestOverrides = {},
  ): Promise<SignedResponse> {
    const timestamp = overrides.timestamp ?? Math.floor(Date.now() / 1000);
    const signature =
      overrides.signature === 'forged'
        ? signSlackRequest(`${options.signingSecret}-forged`, timestamp, body)
        : (overrides.signature ?? signSlackRequest(options.signingSecret, timestamp, body));
    const headers: Record<string, string> = {
      'content-type': overrides.contentType ?? contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    if (overrides.retryNum !== undefined) headers['x-slack-retry-num'] = String(overrides.retryNum);
    if (overrides.retryReason !== undefined) headers['x-slack-retry-reason'] = overrides.retryReason;
    const res = await fetch(endpoint, { method: 'POST', headers, body });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  async function overSocket(type: EnvelopeType, body: unknown): Promise<SignedResponse> {
    if (!sandbox) throw new Error('signed client: socket-mode transport needs a sandbox');
    const ack = await sandbox.socketMode.dispatch(type, body);
    const empty =
      ack.payload === undefined ||
      (typeof ack.payload === 'object' && ack.payload !== null && Object.keys(ack.payload).length === 0);
    const text = empty ? '' : JSON.stringify(ack.payload);
    return { status: 200, headers: new Headers(), body: text, json: <T>() => JSON.parse(text) as T };
  }

  const sendPayload = (payload: unknown, overrides?: RequestOverrides) =>
    options.transport === 'socket-mode'
      ? overSocket('interactive', payload)
      : send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), FORM, overrides);

  const parseAck = (res: SignedResponse): unknown => {
    if (res.status !== 200 || res.body === '') return undefined;
    try {
      return res.json();
    } catch {
      return { text: res.body };
    }
  };

  return {
    send,

    async command(input, overrides) {
      const triggerId = trigger(input.userId, input.triggerId);
      const responseUrl =
        input.responseUrl ??
        sandbox?.responseUrl(input.channelId, input.userId) ??
        `https://hooks.slack.com/commands/${teamId}/0/${randomBytes(8).toString('hex')}`;
      const user = userObject(input.userId);
      const body = new URLSearchParams({
        token: verificationToken,
        team_id: teamId,
        team_domain: teamDomain,
        channel_id: input.channelId,
        channel_name: channelObject(input.channelId).name,
        user_id: input.userId,
        user_name: user.username,
        command: input.command ?? '/ar',
        text: input.text,
        api_app_id: apiAppId,
        is_enterprise_install: 'false',
        response_url: responseUrl,
        trigger_id: triggerId,
      }).toString();
      const res =
        options.transport === 'socket-mode'
          ? await overSocket('slash_commands', Object.fromEntries(new URLSearchParams(body)))
          : await send(body, FORM, overrides);
      // Slack shows a command's HTTP reply to the user like a response_url post.
      const ack = parseAck(res);
      if (sandbox && ack && typeof ack === 'object') {
        sandbox.deliverResponse({ channel: input.channelId, user: input.userId }, ack, 'ack');
      }
      return res;
    },

    async blockAction(input, overrides) {
      const stored = input.fromMessage
        ? sandbox?.message(input.fromMessage.channel, input.fromMessage.ts)
        : undefined;
      if (input.fromMessage && !stored) {
        throw new Error(`signed client: no message ${input.fromMessage.ts} in ${input.fromMessage.channel}`);
      }
      const ephemeral = input.fromEphemeral
        ? sandbox
            ?.ephemerals({ channel: input.fromEphemeral.channel })
            .find((e) => e.ts === input.fromEphemeral?.ts)
        : undefined;
      if (input.fromEphemeral && !ephemeral) {
        throw new Error(
          `signed client: no ephemeral ${input.fromEphemeral.ts} in ${input.fromEphemeral.channel}`,
        );
      }
      const viewPayload = input.fromView ? sandbox?.viewPayload(input.fromView) : input.view;
      if (input.fromView && !viewPayload) throw new Error(`signed client: no open view ${input.fromView}`);
      const channelId = stored?.channel ?? ephemeral?.channel ?? input.channelId;
      const message = stored
        ? {
            type: 'message',
            user: stored.user,
            ...(stored.bot_id ? { bot_id: stored.bot_id, app_id: apiAppId } : {}),
            text: stored.text,
            ts: stored.ts,
            team: teamId,
            ...(stored.blocks ? { blocks: stored.blocks } : {}),
            ...(stored.thread_ts ? { thread_ts: stored.thread_ts } : {}),
            ...(stored.metadata ? { metadata: stored.metadata } : {}),
          }
        : input.message
          ? { type: 'message', team: teamId, ...input.message }
          : undefined;
      const container =
        input.container ??
        (viewPayload
          ? { type: 'view', view_id: viewPayload.id }
          : ephemeral
            ? { type: 'message', message_ts: ephemeral.ts, channel_id: ephemeral.channel, is_ephemeral: true }
            : message && channelId
              ? { type: 'message', message_ts: message.ts, channel_id: channelId, is_ephemeral: false }
              : undefined);
      const responseUrl =
        input.responseUrl ??
        (ephemeral
          ? sandbox?.responseUrl(ephemeral.channel, input.userId, { ephemeralTs: ephemeral.ts })
          : undefined) ??
        (message && channelId
          ? (sandbox?.responseUrl(channelId, input.userId, { messageTs: message.ts }) ??
            `https://hooks.slack.com/actions/${teamId}/0/${randomBytes(8).toString('hex')}`)
          : undefined);
      const actionTs = `${(Date.now() / 1000).toFixed(6)}`;
      const payload = {
        type: 'block_actions',
        user: userObject(input.userId),
        api_app_id: apiAppId,
        token: verificationToken,
        container,
        trigger_id: trigger(input.userId, input.triggerId),
        team: { id: teamId, domain: teamDomain },
        enterprise: null,
        is_enterprise_install: false,
        ...(channelId ? { channel: channelObject(channelId) } : {}),
        ...(message ? { message } : {}),
        ...(viewPayload ? { view: viewPayload } : {}),
        state: { values: (viewPayload?.state as { values?: StateValues } | undefined)?.values ?? {} },
        ...(responseUrl ? { response_url: responseUrl } : {}),
        actions: input.actions.map((a) => ({ ...a, action_ts: actionTs })),
      };
      return sendPayload(payload, overrides);
    },

    async viewSubmission(input, overrides) {
      let view: Record<string, unknown>;
      if (input.fromView) {
        if (!sandbox) throw new Error('signed client: fromView needs a sandbox');
        if (input.values) sandbox.setViewValues(input.fromView, input.values);
        const stored = sandbox.viewPayload(input.fromView);
        if (!stored) throw new Error(`signed client: no open view ${input.fromView}`);
        view = stored;
      } else if (input.view) {
        const values = { ...(input.view.state?.values ?? {}), ...(input.values ?? {}) };
        view = {
          type: 'modal',
          team_id: teamId,
          private_metadata: '',
          hash: `${Math.floor(Date.now() / 1000)}.sandbox`,
          app_id: apiAppId,
          ...input.view,
          state: { values },
        };
      } else {
        throw new Error('signed client: viewSubmission needs view or fromView');
      }
      const payload = {
        type: 'view_submission',
        team: { id: teamId, domain: teamDomain },
        user: userObject(input.userId),
        api_app_id: apiAppId,
        token: verificationToken,
        trigger_id: trigger(input.userId, input.triggerId),
        view,
        response_urls: [],
        is_enterprise_install: false,
        enterprise: null,
      };
      const res = await sendPayload(payload, overrides);
      if (sandbox && input.fromView && res.status === 200) {
        sandbox.applyViewSubmissionAck(input.fromView, parseAck(res));
      }
      return res;
    },

    async viewClosed(input, overrides) {
      const view = input.fromView ? sandbox?.viewPayload(input.fromView) : input.view;
      if (!view) throw new Error('signed client: viewClosed needs view or fromView');
      const payload = {
        type: 'view_closed',
        team: { id: teamId, domain: teamDomain },
        user: userObject(input.userId),
        api_app_id: apiAppId,
        token: verificationToken,
        view,
        is_cleared: input.isCleared ?? false,
        is_enterprise_install: false,
        enterprise: null,
      };
      const res = await sendPayload(payload, overrides);
      if (sandbox && input.fromView) sandbox.closeView(input.fromView);
      return res;
    },

    async event(event, overrides) {
      const { event_id, ...inner } = event;
      const eventTs = typeof inner.event_ts === 'string' ? inner.event_ts : (Date.now() / 1000).toFixed(6);
      const envelope = {
        token: verificationToken,
        team_id: teamId,
        context_team_id: teamId,
        context_enterprise_id: null,
        api_app_id: apiAppId,
        event: { ...inner, event_ts: eventTs },
        type: 'event_callback',
        event_id: event_id ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
        event_time: Math.floor(Date.now() / 1000),
        authorizations: [
          {
            enterprise_id: null,
            team_id: teamId,
            user_id: sandbox?.bot.userId ?? 'U0ARBOT',
            is_bot: true,
            is_enterprise_install: false,
          },
        ],
        is_ext_shared_channel: false,
      };
      if (options.transport === 'socket-mode') return overSocket('events_api', envelope);
      return send(JSON.stringify(envelope), 'application/json', overrides);
    },

    async userMessage(input) {
      if (!sandbox) throw new Error('signed client: userMessage needs a sandbox');
      const posted = sandbox.postAsUser(input);
      const channel = sandbox.channel(posted.channel);
      const channelType = channel?.is_im ? 'im' : channel?.is_private ? 'group' : 'channel';
      const common = {
        user: posted.user,
        text: posted.text,
        ts: posted.ts,
        team: teamId,
        channel: posted.channel,
        event_ts: posted.ts,
        ...(posted.thread_ts ? { thread_ts: posted.thread_ts } : {}),
      };
      const responses = [await this.event({ type: 'message', ...common, channel_type: channelType })];
      if (posted.text.includes(`<@${sandbox.bot.userId}>`)) {
        responses.push(await this.event({ type: 'app_mention', ...common }));
      }
      return { ts: posted.ts, responses };
    },

    async messageShortcut(input, overrides) {
      const stored = input.fromMessage
        ? sandbox?.message(input.fromMessage.channel, input.fromMessage.ts)
        : undefined;
      if (input.fromMessage && !stored) {
        throw new Error(`signed client: no message ${input.fromMessage.ts} in ${input.fromMessage.channel}`);
      }
      const channelId = stored?.channel ?? input.channelId;
      if (!channelId) throw new Error('signed client: messageShortcut needs channelId or fromMessage');
      const message = stored
        ? {
            type: 'message',
            user: stored.user,
            text: stored.text,
            ts: stored.ts,
            ...(stored.thread_ts ? { thread_ts: stored.thread_ts } : {}),
          }
        : { type: 'message', ...input.message };
      const messageTs = String(message.ts ?? '');
      const payload = {
        type: 'message_action',
        token: verificationToken,
        action_ts: (Date.now() / 1000).toFixed(6),
        team: { id: teamId, domain: teamDomain },
        user: userObject(input.userId),
        channel: channelObject(channelId),
        is_enterprise_install: false,
        enterprise: null,
        callback_id: input.callbackId,
        trigger_id: trigger(input.userId, input.triggerId),
        response_url:
          input.responseUrl ??
          sandbox?.responseUrl(channelId, input.userId) ??
          `https://hooks.slack.com/app/${teamId}/0/${randomBytes(8).toString('hex')}`,
        message_ts: messageTs,
        message,
      };
      return sendPayload(payload, overrides);
    },
  };
}
