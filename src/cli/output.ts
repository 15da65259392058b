import Table from 'cli-table3';

/** Data commands print a table for people and, with --json, a stable document for scripts. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function renderTable(
  head: string[],
  rows: (string | number | null)[][],
  options: { alignRight?: number[] } = {},
): string {
  const table = new Table({
    head,
    style: { head: [], border: [] },
    colAligns: head.map((_, i) => (options.alignRight?.includes(i) ? 'right' : 'left')),
  });
  for (const r of rows) table.push(r.map((c) => (c === null ? '' : String(c))));
  return table.toString();
}

export function printTable(
  head: string[],
  rows: (string | number | null)[][],
  options: { alignRight?: number[] } = {},
) {
  process.stdout.write(`${renderTable(head, rows, options)}\n`);
}

export function printLine(text = ''): void {
  process.stdout.write(`${text}\n`);
}

/** An expected failure the operator can fix: message to stderr, exit code 1 (2 for usage errors). */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}
