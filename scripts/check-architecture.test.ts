import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile, importsOf, lengthViolation } from './check-architecture.js';

const root = resolve(import.meta.dirname, '..');
const f = (p: string) => resolve(root, p);

describe('import-direction rule', () => {
  it('reads imports with the TypeScript parser: several lines, re-exports, type-only names, dynamic import()', () => {
    const refs = importsOf(
      'x.ts',
      [
        "import {\n  a,\n  b,\n} from './multi.js';",
        "import { type A, type B } from './types.js';",
        "export * from './all.js';",
        "const m = await import('./later.js');",
        "type T = import('./typed.js').T;",
      ].join('\n'),
    );
    expect(refs).toEqual([
      { spec: './multi.js', line: 1, typeOnly: false, dynamic: false },
      { spec: './types.js', line: 5, typeOnly: true, dynamic: false },
      { spec: './all.js', line: 6, typeOnly: false, dynamic: false },
      { spec: './later.js', line: 7, typeOnly: false, dynamic: true },
      { spec: './typed.js', line: 8, typeOnly: true, dynamic: false },
    ]);
  });

  it.each([
    ['src/domain/ageing.ts', "import { x } from '../adapters/db/database.js';", /domain\/ is pure/],
    ['src/domain/ageing.ts', "import pg from 'pg';", /package 'pg' is not allowed/],
    ['src/domain/ageing.ts', "import { readFileSync } from 'node:fs';", /not allowed/],
    [
      'src/use-cases/sync.ts',
      "import { XeroClient } from '../adapters/xero/client.js';",
      /SDK adapters only/,
    ],
    ['src/use-cases/sync.ts', "import { send } from '../adapters/mail/smtp-sender.js';", /SDK adapters only/],
    ['src/use-cases/sync.ts', "import { createContext } from '../context.js';", /SDK adapters only/],
    ['src/use-cases/sync.ts', "import { XeroClient } from 'xero-node';", /no SDK calls/],
    [
      'src/listeners/commands/ar.ts',
      "import { listOutbox } from '../../adapters/outbox/outbox-store.js';",
      /thin/,
    ],
    ['migrations/20260101-x.ts', "import { x } from '../src/domain/money.js';", /frozen/],
    ['src/main.ts', "import { startDemo } from './sandbox/demo/demo-mode.js';", /development tooling/],
    ['src/adapters/xero/x.ts', "import { startXeroSandbox } from '../../sandbox/xero/index.js';", /sandbox/],
    // Written over several lines, as the formatter writes long imports: the regex this replaced never saw it.
    [
      'src/domain/ageing.ts',
      "import {\n  loadLedger,\n  type Ledger,\n} from '../adapters/db/ledger-queries.js';",
      /domain\/ is pure/,
    ],
    [
      'src/domain/ageing.ts',
      "export { loadLedger } from '../adapters/db/ledger-queries.js';",
      /domain\/ is pure/,
    ],
    ['src/domain/ageing.ts', "import pg = require('pg');", /package 'pg' is not allowed/],
    // Adapters depend on nothing above them.
    [
      'src/adapters/xero/x.ts',
      "import { runXeroSync } from '../../use-cases/run-xero-sync.js';",
      /nothing above/,
    ],
    [
      'src/adapters/mail/x.ts',
      "import {\n  pollMailbox,\n} from '../../jobs/reply-mailbox.js';",
      /nothing above/,
    ],
    [
      'src/adapters/slack/x.ts',
      "import { registerListeners } from '../../listeners/index.js';",
      /nothing above/,
    ],
    ['src/adapters/db/x.ts', "import { createContext } from '../../context.js';", /composes the app/],
    // The root files: leaves stay leaves, the composition root is loaded only by composers.
    ['src/errors.ts', "import { runDunning } from './use-cases/run-dunning.js';", /is a leaf/],
    ['src/config.ts', "import { wiring } from './wiring.js';", /is a leaf|composes the app/],
    ['src/use-cases/x.ts', "import { wiring } from '../wiring.js';", /composes the app|SDK adapters only/],
  ])('%s: %s is refused', (file, line, message) => {
    const v = checkFile(f(file), line);
    expect(v.length).toBeGreaterThan(0);
    expect(v.map((x) => x.message).join('\n')).toMatch(message);
  });

  it.each([
    ['src/domain/ageing.ts', "import Big from 'big.js';"],
    ['src/domain/ageing.ts', "import { money } from './money.js';"],
    ['src/use-cases/sync.ts', "import type { Database } from '../adapters/db/database.js';"],
    ['src/use-cases/sync.ts', "import { ageInvoices } from '../domain/ageing.js';"],
    ['src/use-cases/sync.ts', "import { loadLedger } from '../adapters/db/ledger-queries.js';"],
    ['src/use-cases/sync.ts', "import { enqueueOutbox } from '../adapters/outbox/outbox-store.js';"],
    ['src/listeners/commands/ar.ts', "import { runAging } from '../../use-cases/aging.js';"],
    ['src/adapters/db/x.ts', "import pg from 'pg';"],
    ['src/cli/sandbox-command.ts', "import type { SandboxOrgSpec } from '../sandbox/xero/index.js';"],
    ['src/testing/slack-harness.ts', "import { startSlackSandbox } from '../sandbox/slack/index.js';"],
    ['src/main.ts', "const { startDemo } = await import('./sandbox/demo/demo-mode.js');"],
    // A port a use-case declares, filled by an adapter: a type, not a dependency at run time.
    ['src/adapters/mail/x.ts', "import type { ReplyInbox } from '../../use-cases/read-reply-mailbox.js';"],
    ['src/adapters/mail/x.ts', "import { type InboundEmail } from '../../use-cases/capture-reply.js';"],
    ['src/adapters/xero/x.ts', "import type { AppContext } from '../../context.js';"],
    ['src/listeners/x.ts', "import { createContext } from '../context.js';"],
    ['src/wiring.ts', "import { createContext } from './context.js';"],
    ['src/config.ts', "import { parseImapUrl } from './adapters/mail/imap-url.js';"],
  ])('%s: %s is allowed', (file, line) => {
    expect(checkFile(f(file), line)).toEqual([]);
  });
});

describe('long files', () => {
  const long = (first: string) => `${first}\n${'const x = 1;\n'.repeat(300)}`;
  it('asks a source file over 300 lines for its reason on the first line', () => {
    expect(lengthViolation('src/domain/big.ts', long('import { a } from "./a.js";'))).toMatchObject({
      file: 'src/domain/big.ts',
      line: 1,
      message: expect.stringMatching(/^301 lines: split it/),
    });
    expect(lengthViolation('src/domain/big.ts', long('// Over 300 lines: one model.'))).toBeNull();
    expect(lengthViolation('src/domain/big.test.ts', long(''))).toBeNull();
    expect(lengthViolation('src/domain/small.ts', 'const x = 1;\n'.repeat(300))).toBeNull();
  });
});

describe('query-building rule', () => {
  const violating = [
    "import { sql } from 'kysely';",
    'export async function decide(db, id) {',
    '  const row = await db',
    "    .selectFrom('reminders')",
    "    .select('status')",
    "    .where('id', '=', id)",
    '    .executeTakeFirst();',
    '  await db.transaction().execute(async (trx) => {',
    "    await trx.selectFrom('reminders').select('id').where('id', '=', id).forUpdate().execute();",
    "    await trx.insertInto('audit_events').values({ id }).execute();",
    "    await trx.updateTable('reminders').set({ status: 'sent' }).execute();",
    "    await trx.deleteFrom('reminder_drafts').execute();",
    '  });',
    '  return sql<number>`select 1`.execute(db);',
    '}',
  ].join('\n');

  it('refuses a use-case that builds its own SQL, at each builder call and sql template', () => {
    const v = checkFile(f('src/use-cases/decide.ts'), violating);
    expect(v.map((x) => [x.line, x.message.split(' in a use-case')[0]])).toEqual([
      [4, '.selectFrom('],
      [9, '.forUpdate('],
      [9, '.selectFrom('],
      [10, '.insertInto('],
      [11, '.updateTable('],
      [12, '.deleteFrom('],
      [14, 'a sql`…` template'],
    ]);
    expect(
      v.every((x) =>
        /use-cases\/ reach the database through query modules in adapters\/db\//.test(x.message),
      ),
    ).toBe(true);
  });

  it.each([
    // The use-case owns the transaction boundary; the queries inside it are query-module functions.
    ['src/use-cases/decide.ts', 'await db.transaction().execute(async (trx) => lockReminder(trx, id));'],
    ['src/use-cases/decide.ts', '// a comment naming .selectFrom( and sql`…` is not a query'],
    ['src/use-cases/decide.test.ts', violating],
    ['src/adapters/db/reminders.ts', violating.split('\n').slice(1).join('\n')],
  ])('%s: %s is allowed', (file, source) => {
    expect(checkFile(f(file), source)).toEqual([]);
  });
});
