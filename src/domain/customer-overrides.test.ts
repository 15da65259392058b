import { describe, expect, it, test } from 'vitest';
import { XERO_NOTE_LIMIT } from './audit-notes.js';
import {
  cleanReason,
  effectiveTier,
  isOverrideTier,
  OVERRIDE_REASON_MAX,
  type OverrideTier,
  overrideNote,
  tierChange,
  tierLabel,
  tierOverrideSignals,
} from './customer-overrides.js';

describe('effectiveTier', () => {
  test.each<[OverrideTier, OverrideTier | null, OverrideTier, boolean]>([
    ['low', null, 'low', false],
    ['low', 'high', 'high', true],
    ['high', 'low', 'low', true],
    // Set to what the brain computes anyway: still a manager's choice, and it stays when the score moves.
    ['medium', 'medium', 'medium', true],
  ])('computed %s, override %s → %s', (computed, set, tier, marked) => {
    const out = effectiveTier(computed, set ? { tier: set, setByName: 'Ana' } : undefined);
    expect(out.tier).toBe(tier);
    expect(out.mark).toEqual(marked ? { computed, setByName: 'Ana' } : null);
  });
});

describe('tierChange', () => {
  test.each<[OverrideTier | null, OverrideTier | null, ReturnType<typeof tierChange>]>([
    [null, null, { kind: 'unchanged' }],
    ['high', 'high', { kind: 'unchanged' }],
    [null, 'high', { kind: 'set', tier: 'high' }],
    ['low', 'high', { kind: 'replace', from: 'low', tier: 'high' }],
    ['medium', null, { kind: 'clear', from: 'medium' }],
  ])('in force %s, asked %s', (current, wanted, expected) => {
    expect(tierChange(current, wanted)).toEqual(expected);
  });
});

describe('tierOverrideSignals', () => {
  it('one per customer, by contact id, the later row winning', () => {
    expect(
      tierOverrideSignals([
        { contactId: 'c1', tier: 'low', setByName: 'Ana' },
        { contactId: 'c2', tier: 'medium', setByName: 'Ben' },
        { contactId: 'c1', tier: 'high', setByName: 'Cai' },
      ]),
    ).toEqual({ c1: { tier: 'high', setByName: 'Cai' }, c2: { tier: 'medium', setByName: 'Ben' } });
    expect(tierOverrideSignals([])).toEqual({});
  });
});

describe('cleanReason', () => {
  test.each<[string | null | undefined, string | null]>([
    [null, null],
    [undefined, null],
    ['   \n\t ', null],
    ['  in administration,\n  talk to the receiver  ', 'in administration, talk to the receiver'],
  ])('%j → %j', (input, expected) => {
    expect(cleanReason(input)).toBe(expected);
  });

  it(`clips to ${OVERRIDE_REASON_MAX} characters with an ellipsis`, () => {
    const out = cleanReason('x'.repeat(OVERRIDE_REASON_MAX + 50))!;
    expect(out).toHaveLength(OVERRIDE_REASON_MAX);
    expect(out.endsWith('…')).toBe(true);
    expect(cleanReason('y'.repeat(OVERRIDE_REASON_MAX))).toBe('y'.repeat(OVERRIDE_REASON_MAX));
  });
});

describe('overrideNote', () => {
  test.each<[Parameters<typeof overrideNote>[0], string]>([
    [
      { kind: 'tier-set', by: 'Ana', tier: 'high', was: 'medium' },
      'Collections: priority set to High by Ana (was Medium), until cleared (AR Copilot).',
    ],
    [
      { kind: 'tier-set', by: 'Ana', tier: 'high', was: null },
      'Collections: priority set to High by Ana, until cleared (AR Copilot).',
    ],
    [
      { kind: 'tier-set', by: 'Ana', tier: 'low', was: 'low' },
      'Collections: priority set to Low by Ana, until cleared (AR Copilot).',
    ],
    [
      { kind: 'tier-cleared', by: 'Ben', was: 'high', computed: 'low' },
      'Collections: priority override (High) cleared by Ben; back to the computed tier, Low (AR Copilot).',
    ],
    [
      { kind: 'tier-cleared', by: 'Ben', was: 'high', computed: null },
      'Collections: priority override (High) cleared by Ben; back to the computed tier (AR Copilot).',
    ],
    [
      { kind: 'excluded', by: 'Ana', reason: 'in receivership' },
      'Collections: excluded from chasing by Ana: in receivership. No reminders until chasing is resumed (AR Copilot).',
    ],
    [
      { kind: 'excluded', by: 'Ana', reason: null },
      'Collections: excluded from chasing by Ana. No reminders until chasing is resumed (AR Copilot).',
    ],
    [{ kind: 'resumed', by: 'Ana' }, 'Collections: chasing resumed by Ana (AR Copilot).'],
  ])('%j', (note, text) => {
    expect(overrideNote(note)).toBe(text);
  });

  it('stays within Xero’s note limit whatever the name', () => {
    expect(overrideNote({ kind: 'resumed', by: 'n'.repeat(5000) }).length).toBeLessThanOrEqual(
      XERO_NOTE_LIMIT,
    );
  });
});

describe('tierLabel', () => {
  test.each<[OverrideTier, Parameters<typeof tierLabel>[1], string]>([
    ['medium', null, 'Medium'],
    ['high', { computed: 'medium', setByName: 'Ana' }, 'High (set by Ana; computed Medium)'],
    ['low', { computed: 'low', setByName: 'Ana' }, 'Low (set by Ana)'],
  ])('%s with %j → %s', (tier, mark, text) => {
    expect(tierLabel(tier, mark)).toBe(text);
  });
});

test('isOverrideTier accepts the three tiers only', () => {
  expect(['high', 'medium', 'low'].every(isOverrideTier)).toBe(true);
  expect(['High', 'clear', '', null, 1, 'do_not_chase'].some(isOverrideTier)).toBe(false);
});
