import { describe, expect, it } from 'vitest';
import {
  BLOCK_KIT_LIMITS,
  formatViolation,
  validateMessageBlocks,
  validateView,
} from './block-kit-limits.js';

const plain = (text: string) => ({ type: 'plain_text', text });
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string, extra: Record<string, unknown> = {}) => ({
  type: 'section',
  text: mrkdwn(text),
  ...extra,
});
const pointers = (v: { pointer: string }[]) => v.map((x) => x.pointer);

describe('validateMessageBlocks', () => {
  it('accepts an empty list and common blocks within limits', () => {
    expect(validateMessageBlocks([])).toEqual([]);
    expect(
      validateMessageBlocks([
        { type: 'header', text: plain('Today: 12 customers to chase') },
        section('*Acme Ltd* owes NZD 1,250.00', {
          block_id: 'inv_1',
          accessory: {
            type: 'overflow',
            action_id: 'more',
            options: [{ text: plain('Snooze'), value: 's' }],
          },
        }),
        {
          type: 'context',
          elements: [mrkdwn('Risk: high'), { type: 'image', image_url: 'https://x/y.png', alt_text: 'r' }],
        },
        { type: 'divider' },
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'approve',
              text: plain('Approve & send'),
              style: 'primary',
              value: 'd-1',
            },
            {
              type: 'button',
              action_id: 'skip',
              text: plain('Skip'),
              confirm: {
                title: plain('Skip?'),
                text: mrkdwn('Sure?'),
                confirm: plain('Yes'),
                deny: plain('No'),
              },
            },
          ],
        },
      ]),
    ).toEqual([]);
  });

  it('reports Slack-shaped messages with a JSON pointer', () => {
    const [v] = validateMessageBlocks([section('x'.repeat(3001))]);
    expect(v).toEqual({
      code: 'invalid_blocks',
      pointer: '/blocks/0/text/text',
      message: 'must be less than 3001 characters',
    });
    expect(formatViolation(v!)).toBe(
      '[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]',
    );
  });

  it.each([
    ['blocks is not an array', { blocks: 'x' }, 'invalid_blocks_format', '/blocks'],
    ['section without text or fields', [{ type: 'section' }], 'invalid_blocks', '/blocks/0'],
    ['empty section text', [section('')], 'invalid_blocks', '/blocks/0/text/text'],
    ['unknown block type', [{ type: 'carousel' }], 'invalid_blocks', '/blocks/0/type'],
    [
      'button style',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: plain('b'), style: 'loud' }] }],
      'invalid_blocks',
      '/blocks/0/elements/0/style',
    ],
    [
      'button url of 3001',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'a', text: plain('b'), url: `https://${'x'.repeat(2993)}` },
          ],
        },
      ],
      'invalid_blocks',
      '/blocks/0/elements/0/url',
    ],
    [
      'mrkdwn button text',
      [{ type: 'actions', elements: [{ type: 'button', action_id: 'a', text: mrkdwn('b') }] }],
      'invalid_blocks',
      '/blocks/0/elements/0/text/type',
    ],
    [
      'duplicate action_id in a block',
      [
        {
          type: 'actions',
          elements: [
            { type: 'button', action_id: 'a', text: plain('1') },
            { type: 'button', action_id: 'a', text: plain('2') },
          ],
        },
      ],
      'invalid_blocks',
      '/blocks/0/elements/1/action_id',
    ],
    [
      '6 overflow options',
      [
        section('s', {
          accessory: {
            type: 'overflow',
            action_id: 'o',
            options: Array.from({ length: 6 }, (_, i) => ({ text: plain(`${i}`), value: `${i}` })),
          },
        }),
      ],
      'invalid_blocks',
      '/blocks/0/accessory/options',
    ],
    [
      'option value of 151',
      [
        section('s', {
          accessory: {
            type: 'static_select',
            action_id: 'o',
            options: [{ text: plain('x'), value: 'v'.repeat(151) }],
          },
        }),
      ],
      'invalid_blocks',
      '/blocks/0/accessory/options/0/value',
    ],
    [
      'confirm title of 101',
      [
        {
          type: 'actions',
          elements: [
            {
              type: 'button',
              action_id: 'a',
              text: plain('b'),
              confirm: {
                title: plain('t'.repeat(101)),
                text: mrkdwn('x'),
                confirm: plain('y'),
                deny: plain('n'),
              },
            },
          ],
        },
      ],
      'invalid_blocks',
      '/blocks/0/elements/0/confirm/title/text',
    ],
    ['empty actions block', [{ type: 'actions', elements: [] }], 'invalid_blocks', '/blocks/0/elements'],
    [
      'input in a message',
      [{ type: 'input', label: plain('x'), element: { type: 'plain_text_input', action_id: 'i' } }],
      'invalid_blocks',
      '/blocks/0',
    ],
  ])('rejects %s', (_name, blocks, code, pointer) => {
    const violations = validateMessageBlocks(
      Array.isArray(blocks) ? blocks : (blocks as { blocks: unknown }).blocks,
    );
    expect(violations.map((v) => v.code)).toContain(code);
    expect(pointers(violations)).toContain(pointer);
  });

  it('counts text across blocks for the undocumented cumulative budget, only when each block is valid', () => {
    const justUnder = Array.from({ length: 4 }, () => section('x'.repeat(3000)));
    expect(validateMessageBlocks(justUnder)).toEqual([]);
    const over = [...justUnder, { type: 'context', elements: [mrkdwn('y')] }];
    expect(validateMessageBlocks(over)).toEqual([
      {
        code: 'msg_blocks_too_long',
        pointer: '/blocks',
        message: 'cumulative text of 12001 characters exceeds 12000',
      },
    ]);
    expect(BLOCK_KIT_LIMITS.messageCumulativeText).toBe(12_000);
  });
});

describe('validateView', () => {
  const modal = (extra: Record<string, unknown> = {}) => ({
    type: 'modal',
    title: plain('Edit draft'),
    submit: plain('Save'),
    close: plain('Cancel'),
    blocks: [
      {
        type: 'input',
        block_id: 'draft',
        label: plain('Draft'),
        element: { type: 'plain_text_input', action_id: 'body', multiline: true },
      },
    ],
    ...extra,
  });

  it('accepts a modal and a home tab within limits', () => {
    expect(validateView(modal())).toEqual([]);
    expect(
      validateView({ type: 'home', blocks: Array.from({ length: 100 }, () => ({ type: 'divider' })) }),
    ).toEqual([]);
  });

  it.each([
    ['a non-view type', { type: 'workflow_step', blocks: [] }, '/view/type'],
    ['title of 25', modal({ title: plain('t'.repeat(25)) }), '/view/title/text'],
    ['mrkdwn title', modal({ title: mrkdwn('t') }), '/view/title/type'],
    ['submit of 25', modal({ submit: plain('s'.repeat(25)) }), '/view/submit/text'],
    ['close of 25', modal({ close: plain('c'.repeat(25)) }), '/view/close/text'],
    ['missing submit with inputs', modal({ submit: undefined }), '/view/submit'],
    ['private_metadata of 3001', modal({ private_metadata: 'm'.repeat(3001) }), '/view/private_metadata'],
    ['callback_id of 256', modal({ callback_id: 'c'.repeat(256) }), '/view/callback_id'],
    [
      '101 blocks on home',
      { type: 'home', blocks: Array.from({ length: 101 }, () => ({ type: 'divider' })) },
      '/view/blocks',
    ],
    [
      'input label of 2001',
      modal({
        blocks: [
          {
            type: 'input',
            label: plain('l'.repeat(2001)),
            element: { type: 'plain_text_input', action_id: 'b' },
          },
        ],
      }),
      '/view/blocks/0/label/text',
    ],
    [
      'text input max_length of 3001',
      modal({
        blocks: [
          {
            type: 'input',
            label: plain('l'),
            element: { type: 'plain_text_input', action_id: 'b', max_length: 3001 },
          },
        ],
      }),
      '/view/blocks/0/element/max_length',
    ],
  ])('rejects %s', (_name, view, pointer) => {
    expect(pointers(validateView(view))).toContain(pointer);
  });

  it('has no cumulative text budget for views (only messages)', () => {
    const blocks = Array.from({ length: 10 }, () => section('x'.repeat(3000)));
    expect(validateView({ type: 'home', blocks })).toEqual([]);
  });
});

describe('table blocks', () => {
  const cell = (text: string) => ({ type: 'raw_text', text });
  const table = (rows: unknown[][], extra: Record<string, unknown> = {}) => ({
    type: 'table',
    rows,
    ...extra,
  });

  it('accepts raw_text, raw_number and rich_text cells within 100 rows of 20 cells', () => {
    const rows = Array.from({ length: 100 }, (_, r) =>
      Array.from({ length: 20 }, (_, c) =>
        c === 0
          ? cell(`row ${r}`)
          : c === 1
            ? { type: 'raw_number', value: r * 1.5, text: `${r * 1.5}` }
            : c === 2
              ? { type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [] }] }
              : cell('x'),
      ),
    );
    expect(validateMessageBlocks([table(rows, { column_settings: [{ align: 'right' }, null] })])).toEqual([]);
  });

  it('rejects a 101st row, a 21st cell, an empty or unknown cell and a bad column setting', () => {
    const tooMany = Array.from({ length: 101 }, () => [cell('a')]);
    expect(validateMessageBlocks([table(tooMany)])).toContainEqual(
      expect.objectContaining({ pointer: '/blocks/0/rows', message: 'no more than 100 items allowed' }),
    );
    const wide = [Array.from({ length: 21 }, () => cell('a'))];
    expect(validateMessageBlocks([table(wide)])).toContainEqual(
      expect.objectContaining({ pointer: '/blocks/0/rows/0', message: 'no more than 20 items allowed' }),
    );
    const bad = validateMessageBlocks([
      table(
        [
          [
            cell(''),
            { type: 'mrkdwn', text: '*x*' },
            { type: 'raw_number', value: 'NaN', text: '1' },
            { type: 'raw_number', value: 1, text: '' },
          ],
        ],
        { column_settings: [{ align: 'justify' }] },
      ),
    ]).map((v) => v.pointer);
    expect(bad).toEqual([
      '/blocks/0/rows/0/0/text',
      '/blocks/0/rows/0/1/type',
      '/blocks/0/rows/0/2/value',
      '/blocks/0/rows/0/3/text',
      '/blocks/0/column_settings/0/align',
    ]);
    expect(validateMessageBlocks([table([])])).toContainEqual(
      expect.objectContaining({ pointer: '/blocks/0/rows', message: 'must provide at least 1 item' }),
    );
  });

  it('allows one table a message, as Slack does (only_one_table_allowed)', () => {
    const out = validateMessageBlocks([table([[cell('a')]]), table([[cell('b')]])]);
    expect(out).toEqual([
      { code: 'invalid_attachments', pointer: '/blocks/1', message: 'only_one_table_allowed' },
    ]);
  });

  it('counts cell text in the cumulative budget', () => {
    const rows = Array.from({ length: 100 }, () => Array.from({ length: 20 }, () => cell('x'.repeat(7))));
    expect(validateMessageBlocks([table(rows)]).map((v) => v.code)).toEqual(['msg_blocks_too_long']);
  });

  it('refuses tables in modals and the Home tab', () => {
    const out = validateView({
      type: 'modal',
      title: { type: 'plain_text', text: 'Report' },
      blocks: [table([[cell('a')]])],
    });
    expect(out).toContainEqual(
      expect.objectContaining({
        pointer: '/view/blocks/0',
        message: 'table blocks are only supported in messages',
      }),
    );
    expect(validateView({ type: 'home', blocks: [table([[cell('a')]])] })).toHaveLength(1);
  });
});
