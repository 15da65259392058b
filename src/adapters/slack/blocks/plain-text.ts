import type { Block } from './kit.js';

/** Block Kit as readable text, for `digest --dry-run` and logs: one line per block, buttons in brackets. */
export function blocksAsText(blocks: readonly Block[]): string {
  const out: string[] = [];
  const textOf = (t: unknown): string =>
    t && typeof t === 'object' && 'text' in t ? String((t as { text: unknown }).text) : '';
  for (const b of blocks) {
    switch (b.type) {
      case 'header':
        out.push(`# ${textOf(b.text)}`);
        break;
      case 'divider':
        out.push('----');
        break;
      case 'context':
        out.push(`  (${((b.elements as unknown[]) ?? []).map(textOf).join(' ')})`);
        break;
      case 'actions':
        out.push(
          ((b.elements as unknown[]) ?? [])
            .map((e) => `[${textOf((e as { text?: unknown }).text)}]`)
            .join(' '),
        );
        break;
      default: {
        const parts = [textOf(b.text), ...((b.fields as unknown[]) ?? []).map(textOf)].filter(Boolean);
        const acc = b.accessory as { text?: unknown } | undefined;
        out.push(parts.join('\n') + (acc?.text ? `  [${textOf(acc.text)}]` : ''));
      }
    }
  }
  // Slack's entity escapes back to characters for a terminal.
  return out.join('\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
