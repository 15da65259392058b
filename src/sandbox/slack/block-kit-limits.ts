// Over 300 lines: Slack's Block Kit limits, one checker for every block type the product sends.
/**
 * Slack's Block Kit limits as a pure checker. The Slack sandbox rejects what Slack would reject, and our own
 * Block Kit builders' unit tests assert against the same function, so a digest that passes its tests cannot
 * fail in a real workspace for a limit we know about.
 *
 * Limits come from Slack's Block Kit reference and the JSDoc of @slack/types (reference/slack-platform.md §5).
 * Violation messages follow the shape Slack puts in `response_metadata.messages`:
 * `[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]`.
 */

export const BLOCK_KIT_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  sectionFieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  actionId: 255,
  blockId: 255,
  selectOptions: 100,
  overflowOptions: 5,
  optionText: 75,
  optionValue: 150,
  placeholderText: 150,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  inputLabel: 2000,
  inputHint: 2000,
  textInputLength: 3000,
  markdownBlockText: 12_000,
  /** Table block (@slack/types TableBlock): rows, cells a row, column_settings entries; one table a message. */
  tableRows: 100,
  tableCells: 20,
  tableColumnSettings: 20,
  tablesPerMessage: 1,
  viewTitle: 24,
  viewButton: 24,
  privateMetadata: 3000,
  callbackId: 255,
  externalId: 255,
  /**
   * Slack documents no total, but answers `msg_blocks_too_long` somewhere around 12–13k characters of text
   * across all blocks even when every block is within its own limit (bolt-js#2509, #2867). 12,000 is our
   * stand-in for that undocumented limit; builders should budget ≤ 10,000.
   */
  messageCumulativeText: 12_000,
  /** Above this Slack truncates the top-level `text` and warns `message_truncated`. */
  messageText: 40_000,
} as const;

/** `invalid_blocks` for a rule of one block; `msg_blocks_too_long` for the cumulative budget. */
export type BlockKitErrorCode =
  | 'invalid_blocks'
  | 'invalid_blocks_format'
  | 'msg_blocks_too_long'
  /** Slack answers a second table in one message with `invalid_attachments` ("only_one_table_allowed"). */
  | 'invalid_attachments';

export interface BlockKitViolation {
  readonly code: BlockKitErrorCode;
  /** JSON pointer into the checked payload, e.g. `/blocks/3/elements/0/text/text`. */
  readonly pointer: string;
  readonly message: string;
}

/** The `[ERROR] … [json-pointer:…]` line Slack sends back for a violation. */
export function formatViolation(v: BlockKitViolation): string {
  return `[ERROR] ${v.message} [json-pointer:${v.pointer}]`;
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

class Checker {
  readonly violations: BlockKitViolation[] = [];
  textTotal = 0;
  tables = 0;

  add(pointer: string, message: string, code: BlockKitErrorCode = 'invalid_blocks'): void {
    this.violations.push({ code, pointer, message });
  }

  maxLength(value: unknown, max: number, pointer: string): void {
    if (typeof value === 'string' && value.length > max) {
      this.add(pointer, `must be less than ${max + 1} characters`);
    }
  }

  maxItems(value: unknown, max: number, pointer: string): void {
    if (Array.isArray(value) && value.length > max) this.add(pointer, `no more than ${max} items allowed`);
  }

  /** A text object; `plainOnly` for places Slack accepts only plain_text (headers, buttons, options). */
  text(
    value: unknown,
    pointer: string,
    max: number,
    options: { plainOnly?: boolean; required?: boolean } = {},
  ) {
    if (value === undefined) {
      if (options.required) this.add(pointer, 'must provide an object');
      return;
    }
    if (!isObject(value)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    if (value.type !== 'plain_text' && value.type !== 'mrkdwn') {
      this.add(`${pointer}/type`, 'must be one of [plain_text, mrkdwn]');
    } else if (options.plainOnly && value.type !== 'plain_text') {
      this.add(`${pointer}/type`, 'must be plain_text');
    }
    if (typeof value.text !== 'string') {
      this.add(`${pointer}/text`, 'must provide a string');
      return;
    }
    if (value.text.length === 0) this.add(`${pointer}/text`, 'must be more than 0 characters');
    this.maxLength(value.text, max, `${pointer}/text`);
    this.textTotal += value.text.length;
  }

  confirm(value: unknown, pointer: string): void {
    if (value === undefined) return;
    if (!isObject(value)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    this.text(value.title, `${pointer}/title`, BLOCK_KIT_LIMITS.confirmTitle, {
      plainOnly: true,
      required: true,
    });
    this.text(value.text, `${pointer}/text`, BLOCK_KIT_LIMITS.confirmText, { required: true });
    this.text(value.confirm, `${pointer}/confirm`, BLOCK_KIT_LIMITS.confirmButton, {
      plainOnly: true,
      required: true,
    });
    this.text(value.deny, `${pointer}/deny`, BLOCK_KIT_LIMITS.confirmButton, {
      plainOnly: true,
      required: true,
    });
  }

  option(value: unknown, pointer: string): void {
    if (!isObject(value)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    this.text(value.text, `${pointer}/text`, BLOCK_KIT_LIMITS.optionText, { required: true });
    if (typeof value.value !== 'string') this.add(`${pointer}/value`, 'must provide a string');
    this.maxLength(value.value, BLOCK_KIT_LIMITS.optionValue, `${pointer}/value`);
  }

  options(value: unknown, pointer: string, max: number): void {
    if (value === undefined) return;
    if (!Array.isArray(value)) {
      this.add(pointer, 'must provide an array');
      return;
    }
    this.maxItems(value, max, pointer);
    value.forEach((o, i) => {
      this.option(o, `${pointer}/${i}`);
    });
  }

  element(value: unknown, pointer: string, actionIds: Set<string>): void {
    if (!isObject(value)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    if (typeof value.type !== 'string') {
      this.add(`${pointer}/type`, 'must provide a string');
      return;
    }
    if (value.action_id !== undefined) {
      if (typeof value.action_id !== 'string') this.add(`${pointer}/action_id`, 'must provide a string');
      this.maxLength(value.action_id, BLOCK_KIT_LIMITS.actionId, `${pointer}/action_id`);
      if (typeof value.action_id === 'string') {
        if (actionIds.has(value.action_id))
          this.add(`${pointer}/action_id`, 'action_id must be unique in block');
        actionIds.add(value.action_id);
      }
    }
    this.confirm(value.confirm, `${pointer}/confirm`);
    if (value.placeholder !== undefined) {
      this.text(value.placeholder, `${pointer}/placeholder`, BLOCK_KIT_LIMITS.placeholderText, {
        plainOnly: true,
      });
    }
    switch (value.type) {
      case 'button':
        this.text(value.text, `${pointer}/text`, BLOCK_KIT_LIMITS.buttonText, {
          plainOnly: true,
          required: true,
        });
        this.maxLength(value.value, BLOCK_KIT_LIMITS.buttonValue, `${pointer}/value`);
        this.maxLength(value.url, BLOCK_KIT_LIMITS.url, `${pointer}/url`);
        if (value.style !== undefined && value.style !== 'primary' && value.style !== 'danger') {
          this.add(`${pointer}/style`, 'must be one of [primary, danger]');
        }
        break;
      case 'static_select':
      case 'multi_static_select':
        if (value.options === undefined && value.option_groups === undefined) {
          this.add(pointer, 'must provide options or option_groups');
        }
        this.options(value.options, `${pointer}/options`, BLOCK_KIT_LIMITS.selectOptions);
        if (Array.isArray(value.option_groups)) {
          this.maxItems(value.option_groups, BLOCK_KIT_LIMITS.selectOptions, `${pointer}/option_groups`);
          value.option_groups.forEach((g, i) => {
            if (isObject(g)) this.options(g.options, `${pointer}/option_groups/${i}/options`, 100);
          });
        }
        break;
      case 'overflow':
        this.options(value.options, `${pointer}/options`, BLOCK_KIT_LIMITS.overflowOptions);
        if (Array.isArray(value.options) && value.options.length < 1) {
          this.add(`${pointer}/options`, 'must provide at least 1 item');
        }
        break;
      case 'radio_buttons':
      case 'checkboxes':
        this.options(value.options, `${pointer}/options`, 10);
        break;
      case 'plain_text_input':
        for (const key of ['min_length', 'max_length'] as const) {
          const n = value[key];
          if (typeof n === 'number' && (n < 0 || n > BLOCK_KIT_LIMITS.textInputLength)) {
            this.add(`${pointer}/${key}`, `must be between 0 and ${BLOCK_KIT_LIMITS.textInputLength}`);
          }
        }
        this.maxLength(value.initial_value, BLOCK_KIT_LIMITS.textInputLength, `${pointer}/initial_value`);
        break;
      case 'image':
        this.maxLength(value.image_url, BLOCK_KIT_LIMITS.url, `${pointer}/image_url`);
        break;
      case 'plain_text':
      case 'mrkdwn':
        // Context blocks hold text objects directly.
        this.text(value, pointer, BLOCK_KIT_LIMITS.sectionText);
        break;
      default:
        break;
    }
  }

  block(value: unknown, pointer: string, blockIds: Set<string>, surface: 'message' | 'modal' | 'home'): void {
    if (!isObject(value)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    if (typeof value.type !== 'string') {
      this.add(`${pointer}/type`, 'must provide a string');
      return;
    }
    if (value.block_id !== undefined) {
      if (typeof value.block_id !== 'string') this.add(`${pointer}/block_id`, 'must provide a string');
      this.maxLength(value.block_id, BLOCK_KIT_LIMITS.blockId, `${pointer}/block_id`);
      if (typeof value.block_id === 'string') {
        if (blockIds.has(value.block_id))
          this.add(`${pointer}/block_id`, 'must be unique within the message');
        blockIds.add(value.block_id);
      }
    }
    const actionIds = new Set<string>();
    switch (value.type) {
      case 'section':
        if (value.text === undefined && value.fields === undefined) {
          this.add(pointer, 'must provide text or fields');
        }
        this.text(value.text, `${pointer}/text`, BLOCK_KIT_LIMITS.sectionText);
        if (value.fields !== undefined) {
          if (!Array.isArray(value.fields)) {
            this.add(`${pointer}/fields`, 'must provide an array');
          } else {
            this.maxItems(value.fields, BLOCK_KIT_LIMITS.sectionFields, `${pointer}/fields`);
            value.fields.forEach((f, i) => {
              this.text(f, `${pointer}/fields/${i}`, BLOCK_KIT_LIMITS.sectionFieldText, { required: true });
            });
          }
        }
        if (value.accessory !== undefined) this.element(value.accessory, `${pointer}/accessory`, actionIds);
        break;
      case 'header':
        this.text(value.text, `${pointer}/text`, BLOCK_KIT_LIMITS.headerText, {
          plainOnly: true,
          required: true,
        });
        break;
      case 'context':
      case 'actions': {
        const max =
          value.type === 'context' ? BLOCK_KIT_LIMITS.contextElements : BLOCK_KIT_LIMITS.actionsElements;
        if (!Array.isArray(value.elements)) {
          this.add(`${pointer}/elements`, 'must provide an array');
          break;
        }
        if (value.elements.length === 0) this.add(`${pointer}/elements`, 'must provide at least 1 item');
        this.maxItems(value.elements, max, `${pointer}/elements`);
        value.elements.forEach((e, i) => {
          this.element(e, `${pointer}/elements/${i}`, actionIds);
        });
        break;
      }
      case 'input':
        if (surface === 'message') {
          // Slack accepts input blocks in messages but they are inert there; we never send them.
          this.add(pointer, 'input blocks are not supported in messages');
        }
        this.text(value.label, `${pointer}/label`, BLOCK_KIT_LIMITS.inputLabel, {
          plainOnly: true,
          required: true,
        });
        if (value.hint !== undefined) {
          this.text(value.hint, `${pointer}/hint`, BLOCK_KIT_LIMITS.inputHint, { plainOnly: true });
        }
        if (value.element === undefined) this.add(`${pointer}/element`, 'must provide an object');
        else this.element(value.element, `${pointer}/element`, actionIds);
        break;
      case 'markdown':
        if (typeof value.text !== 'string') this.add(`${pointer}/text`, 'must provide a string');
        this.maxLength(value.text, BLOCK_KIT_LIMITS.markdownBlockText, `${pointer}/text`);
        if (typeof value.text === 'string') this.textTotal += value.text.length;
        break;
      case 'image':
        this.maxLength(value.image_url, BLOCK_KIT_LIMITS.url, `${pointer}/image_url`);
        if (value.title !== undefined) this.text(value.title, `${pointer}/title`, 2000, { plainOnly: true });
        break;
      case 'table':
        if (surface !== 'message') {
          this.add(pointer, 'table blocks are only supported in messages');
          break;
        }
        this.tables += 1;
        if (this.tables > BLOCK_KIT_LIMITS.tablesPerMessage) {
          this.add(pointer, 'only_one_table_allowed', 'invalid_attachments');
        }
        this.table(value, pointer);
        break;
      case 'divider':
      case 'rich_text':
      case 'file':
      case 'video':
      case 'context_actions':
        break;
      default:
        this.add(`${pointer}/type`, `unsupported block type ${JSON.stringify(value.type)}`);
    }
  }

  /** A table: 1–100 rows of 1–20 cells, each raw_text (text ≥ 1), raw_number (a number and its text) or rich_text. */
  table(value: Json, pointer: string): void {
    if (!Array.isArray(value.rows)) {
      this.add(`${pointer}/rows`, 'must provide an array');
      return;
    }
    if (value.rows.length === 0) this.add(`${pointer}/rows`, 'must provide at least 1 item');
    this.maxItems(value.rows, BLOCK_KIT_LIMITS.tableRows, `${pointer}/rows`);
    value.rows.forEach((row, r) => {
      const rp = `${pointer}/rows/${r}`;
      if (!Array.isArray(row)) {
        this.add(rp, 'must provide an array');
        return;
      }
      if (row.length === 0) this.add(rp, 'must provide at least 1 item');
      this.maxItems(row, BLOCK_KIT_LIMITS.tableCells, rp);
      row.forEach((cell, c) => {
        this.tableCell(cell, `${rp}/${c}`);
      });
    });
    if (value.column_settings !== undefined) {
      if (!Array.isArray(value.column_settings)) {
        this.add(`${pointer}/column_settings`, 'must provide an array');
      } else {
        this.maxItems(
          value.column_settings,
          BLOCK_KIT_LIMITS.tableColumnSettings,
          `${pointer}/column_settings`,
        );
        value.column_settings.forEach((s, i) => {
          if (s === null) return; // Slack allows null to keep a column's defaults
          const sp = `${pointer}/column_settings/${i}`;
          if (!isObject(s)) this.add(sp, 'must provide an object');
          else if (s.align !== undefined && !['left', 'center', 'right'].includes(String(s.align)))
            this.add(`${sp}/align`, 'must be one of [left, center, right]');
        });
      }
    }
  }

  tableCell(cell: unknown, pointer: string): void {
    if (!isObject(cell)) {
      this.add(pointer, 'must provide an object');
      return;
    }
    switch (cell.type) {
      case 'raw_text':
        if (typeof cell.text !== 'string') this.add(`${pointer}/text`, 'must provide a string');
        else if (cell.text.length === 0) this.add(`${pointer}/text`, 'must be more than 0 characters');
        else this.textTotal += cell.text.length;
        break;
      case 'raw_number':
        if (typeof cell.value !== 'number' || !Number.isFinite(cell.value))
          this.add(`${pointer}/value`, 'must provide a number');
        if (typeof cell.text !== 'string') this.add(`${pointer}/text`, 'must provide a string');
        else if (cell.text.length === 0) this.add(`${pointer}/text`, 'must be more than 0 characters');
        else this.textTotal += cell.text.length;
        break;
      case 'rich_text':
        if (!Array.isArray(cell.elements)) this.add(`${pointer}/elements`, 'must provide an array');
        break;
      default:
        this.add(`${pointer}/type`, 'must be one of [raw_text, raw_number, rich_text]');
    }
  }

  blocks(value: unknown, pointer: string, max: number, surface: 'message' | 'modal' | 'home'): void {
    if (!Array.isArray(value)) {
      this.add(
        pointer,
        'must provide an array',
        surface === 'message' ? 'invalid_blocks_format' : 'invalid_blocks',
      );
      return;
    }
    this.maxItems(value, max, pointer);
    const blockIds = new Set<string>();
    value.forEach((b, i) => {
      this.block(b, `${pointer}/${i}`, blockIds, surface);
    });
  }
}

/**
 * Checks a message's `blocks` array as chat.postMessage / chat.update / response_url would. An empty list
 * means Slack would accept it (for the rules we know).
 */
export function validateMessageBlocks(blocks: unknown): BlockKitViolation[] {
  const checker = new Checker();
  checker.blocks(blocks, '/blocks', BLOCK_KIT_LIMITS.messageBlocks, 'message');
  if (checker.violations.length === 0 && checker.textTotal > BLOCK_KIT_LIMITS.messageCumulativeText) {
    checker.add(
      '/blocks',
      `cumulative text of ${checker.textTotal} characters exceeds ${BLOCK_KIT_LIMITS.messageCumulativeText}`,
      'msg_blocks_too_long',
    );
  }
  return checker.violations;
}

/** Checks a modal or Home tab view as views.open / update / push / publish would. */
export function validateView(view: unknown): BlockKitViolation[] {
  const checker = new Checker();
  if (!isObject(view)) {
    checker.add('/view', 'must provide an object');
    return checker.violations;
  }
  const type = view.type;
  if (type !== 'modal' && type !== 'home') {
    checker.add('/view/type', 'must be one of [modal, home]');
    return checker.violations;
  }
  checker.blocks(view.blocks, '/view/blocks', BLOCK_KIT_LIMITS.viewBlocks, type);
  if (type === 'modal') {
    checker.text(view.title, '/view/title', BLOCK_KIT_LIMITS.viewTitle, { plainOnly: true, required: true });
    if (view.submit !== undefined) {
      checker.text(view.submit, '/view/submit', BLOCK_KIT_LIMITS.viewButton, { plainOnly: true });
    }
    if (view.close !== undefined) {
      checker.text(view.close, '/view/close', BLOCK_KIT_LIMITS.viewButton, { plainOnly: true });
    }
    const hasInput = Array.isArray(view.blocks) && view.blocks.some((b) => isObject(b) && b.type === 'input');
    if (hasInput && view.submit === undefined) {
      checker.add('/view/submit', 'must provide submit when the view has input blocks');
    }
  }
  checker.maxLength(view.private_metadata, BLOCK_KIT_LIMITS.privateMetadata, '/view/private_metadata');
  checker.maxLength(view.callback_id, BLOCK_KIT_LIMITS.callbackId, '/view/callback_id');
  checker.maxLength(view.external_id, BLOCK_KIT_LIMITS.externalId, '/view/external_id');
  return checker.violations;
}
