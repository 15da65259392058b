import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOG_REPLY } from './blocks/log-reply.js';

/**
 * manifest.json against Slack's own JSON Schema (docs/specs/slack-manifest, slackapi/manifest-schema). The top
 * schema refers to the versioned files by their public URLs; we register the vendored copies under those ids,
 * so the check needs no network.
 */

const root = new URL('../../../', import.meta.url);
const readJson = (path: string) =>
  JSON.parse(readFileSync(new URL(path, root), 'utf8')) as Record<string, unknown>;
const VERSIONED_ID = (v: string) =>
  `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${v}.json`;

type Manifest = {
  features: {
    slash_commands: { command: string; url: string; usage_hint: string }[];
    shortcuts: { callback_id: string; type: string; name: string }[];
    app_home: Record<string, boolean>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
  };
};

function compileValidator() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The schema spells one pattern as `regex` (background_color); enforce it as the pattern it means.
  ajv.addKeyword({
    keyword: 'regex',
    type: 'string',
    schemaType: 'string',
    validate: (pattern: string, data: string) => new RegExp(pattern).test(data),
  });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  for (const v of ['1.0.0', '2.0.0']) {
    ajv.addSchema(readJson(`docs/specs/slack-manifest/schemas/manifest.schema.${v}.json`), VERSIONED_ID(v));
  }
  return ajv.compile(readJson('docs/specs/slack-manifest/manifest.schema.json'));
}

describe('manifest.json', () => {
  let validate: ReturnType<typeof compileValidator>;
  const manifest = readJson('manifest.json') as unknown as Manifest;
  beforeAll(() => {
    validate = compileValidator();
  });

  const errorsOf = (doc: unknown): ErrorObject[] => (validate(doc) ? [] : (validate.errors ?? []));

  it("is valid against Slack's manifest schema", () => {
    expect(errorsOf(manifest)).toEqual([]);
  });

  it('the validator catches what Slack would reject (so the check above can fail)', () => {
    const clone = () => structuredClone(manifest) as unknown as Record<string, Record<string, unknown>>;
    const typo = clone();
    typo.features!.app_home = { home_tab_enabled: true, tabs: ['home'] };
    expect(errorsOf(typo).some((e) => e.keyword === 'additionalProperties')).toBe(true);
    const longName = clone();
    longName.display_information!.name = 'A'.repeat(36);
    expect(errorsOf(longName).some((e) => e.instancePath === '/display_information/name')).toBe(true);
    const badColour = clone();
    badColour.display_information!.background_color = 'navy';
    expect(errorsOf(badColour).some((e) => e.keyword === 'regex')).toBe(true);
    const shortcut = clone();
    (shortcut.features!.shortcuts as { name: string }[])[0]!.name = 'A shortcut name too long!';
    expect(errorsOf(shortcut).some((e) => e.instancePath === '/features/shortcuts/0/name')).toBe(true);
  });

  it('sends commands, interactivity and events to the one Bolt endpoint', () => {
    const urls = [
      ...manifest.features.slash_commands.map((c) => c.url),
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
    ];
    expect(new Set(urls)).toEqual(new Set(['https://YOUR-HOST/slack/events']));
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
  });

  it('declares /ar with every subcommand in its usage hint, and the Log customer reply shortcut', () => {
    const [ar] = manifest.features.slash_commands;
    expect(ar?.command).toBe('/ar');
    for (const sub of [
      'help',
      'aging',
      'top',
      'customer',
      'forecast',
      'kpis',
      'sync',
      'pause',
      'resume',
      'setup',
      'policy',
    ]) {
      expect(ar?.usage_hint).toMatch(new RegExp(`(^|\\| )${sub}\\b`));
    }
    expect(manifest.features.shortcuts).toEqual([
      expect.objectContaining({
        type: 'message',
        callback_id: 'log_customer_reply',
        name: 'Log customer reply',
      }),
    ]);
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
    // The callback_id the shortcut listener registers on (listeners/shortcuts/log-customer-reply.ts, proven
    // through signed requests in listeners/slack-capture.int.test.ts).
    expect(manifest.features.shortcuts.map((s) => s.callback_id)).toEqual([LOG_REPLY.shortcut]);
  });

  it('subscribes to the events the app listens for, with the scopes they need', () => {
    expect(manifest.settings.event_subscriptions.bot_events).toEqual([
      'app_home_opened',
      'app_mention',
      'message.channels',
      'message.groups',
      'message.im',
    ]);
    const scopes = new Set(manifest.oauth_config.scopes.bot);
    // message.channels / .groups / .im all arrive as the `message` event: a reply pasted in a reminder card's
    // thread is captured by listeners/events/card-thread-reply.ts (slack-capture.int.test.ts sends them signed).
    // message.* events arrive only with the matching history scope; app_mention needs app_mentions:read.
    for (const needed of [
      'channels:history',
      'groups:history',
      'im:history',
      'app_mentions:read',
      'commands',
    ]) {
      expect(scopes.has(needed)).toBe(true);
    }
    // Slack requires these in pairs.
    expect(scopes.has('chat:write.public') ? scopes.has('chat:write') : true).toBe(true);
    expect(scopes.has('users:read.email') ? scopes.has('users:read') : true).toBe(true);
  });
});
