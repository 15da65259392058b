import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnthropicDrafter, hashDraftInputs } from '../adapters/llm/reminder-drafter.js';
import { createLogger } from '../logger.js';
import { type FakeAnthropic, startFakeAnthropic } from '../sandbox/anthropic/fake-anthropic.js';
import { ATTACK_FACTS, DRAFT_ATTACKS, HONEST_DRAFTS } from '../testing/draft-attacks.js';
import { composeReminderDraft } from './compose-reminder-draft.js';

/**
 * A model that lies, answered by a local server through the real Anthropic SDK: no attack reaches the card (the
 * template goes instead, with the reason), and every honest draft is used as written.
 */
let fake: FakeAnthropic;
beforeAll(async () => {
  fake = await startFakeAnthropic({ apiKey: 'sk-test' });
});
afterAll(async () => fake?.close());

const compose = () =>
  composeReminderDraft(ATTACK_FACTS, {
    drafter: createAnthropicDrafter({
      apiKey: 'sk-test',
      model: 'claude-test-model',
      baseURL: fake.url,
      log: createLogger({ level: 'silent' }),
      timeoutMs: 5_000,
    }),
    hashInputs: hashDraftInputs,
  });

describe('a lying model, through the Anthropic SDK', () => {
  it.each(
    DRAFT_ATTACKS.map((a) => [`${a.class}: ${a.name}`, a] as const),
  )('never puts %s on a card: the template goes instead, with the reason', async (_name, attack) => {
    fake.enqueue({ kind: 'tool', input: attack.draft });
    const r = await compose();
    expect(r.source).toBe('template');
    expect(r.draft).not.toEqual(attack.draft);
    expect(r.fallbackReason).toMatch(/^draft rejected by the ledger check: /);
    expect(r.fallbackReason).toContain(attack.names);
  });

  it.each(
    HONEST_DRAFTS.map((h) => [h.name, h.draft] as const),
  )('uses an honest draft as written: %s', async (_n, draft) => {
    fake.enqueue({ kind: 'tool', input: draft });
    const r = await compose();
    expect(r).toMatchObject({ source: 'claude', fallbackReason: null });
    expect(r.draft).toEqual(draft);
  });

  it('gives the model the figures as the product writes them, so an honest draft can copy them', async () => {
    fake.enqueue({ kind: 'tool', input: HONEST_DRAFTS[0]!.draft });
    await compose();
    const prompt = JSON.stringify(fake.requests.at(-1)!.body.messages);
    expect(prompt).toContain('US$3,152.93');
    expect(prompt).toContain('8 October 2013');
    expect(prompt).toContain('US$4,402.93');
    // The unapplied credit, per currency, as the template states it: an honest draft can mention it.
    expect(prompt).toContain('creditOnAccount');
    expect(prompt).toContain('US$200.00');
  });
});
