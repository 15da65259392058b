import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkFile } from './check-architecture.js';

const root = resolve(import.meta.dirname, '..');
const f = (p: string) => resolve(root, p);

describe('import-direction rule', () => {
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
  ])('%s: %s is refused', (file, line, message) => {
    const v = checkFile(f(file), line);
    expect(v).toHaveLength(1);
    expect(v[0]?.message).toMatch(message);
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
  ])('%s: %s is allowed', (file, line) => {
    expect(checkFile(f(file), line)).toEqual([]);
  });
});
