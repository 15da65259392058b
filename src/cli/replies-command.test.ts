import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { runRepliesRead } from './replies-command.js';

const devPath = fileURLToPath(new URL('../testing/fixtures/replies-dev.jsonl', import.meta.url));
const devLines = readFileSync(devPath, 'utf8').split('\n').filter(Boolean);

const ISSUE_FIELDS = ['id', 'intent', 'promises', 'dispute_reason', 'paid_on', 'back_on', 'evidence'];

describe('replies read', () => {
  it("prints one JSON object per line with the issue's fields, and an error object for each bad line", async () => {
    const content = [
      devLines[12], // dev-013: two promises
      '{"id": "broken", "received": "yesterday", "timezone": "Pacific/Auckland", "text": "hi"}',
      '{not json',
      '',
      devLines[3], // dev-004: out of office
    ].join('\n');
    const r = await runRepliesRead(content, { claude: null }, { json: true });
    expect(r.exitCode).toBe(1);
    const out = r.output.split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toHaveLength(4);
    for (const f of ISSUE_FIELDS) expect(out[0]).toHaveProperty(f);
    expect(out[0]).toMatchObject({
      id: 'dev-013',
      intent: 'promise_to_pay',
      promises: [
        { earliest: '2026-03-11', latest: '2026-03-11', amount: '600.00' },
        { earliest: '2026-03-13', latest: '2026-03-20', amount: '740.00' },
      ],
      dispute_reason: null,
      paid_on: null,
      back_on: null,
      source: 'rules',
    });
    expect(out[1]).toMatchObject({ id: 'broken', line: 2 });
    expect(String(out[1]?.error)).toMatch(/received/);
    expect(out[2]).toMatchObject({ line: 3 });
    expect(out[2]).not.toHaveProperty('id');
    expect(out[3]).toMatchObject({ id: 'dev-004', intent: 'out_of_office', back_on: '2026-03-09' });
  });

  it('prints a table without --json, and exits 0 when every line reads', async () => {
    const r = await runRepliesRead(devLines.slice(0, 3).join('\n'), { claude: null }, {});
    expect(r.exitCode).toBe(0);
    expect(r.output).toMatch(/dev-001.*promise_to_pay.*pay 2026-03-13/);
    expect(r.output).toMatch(/dev-003.*paid_already.*paid 2026-02-26/);
  });
});

describe('npm run cli -- replies read FILE --json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replies-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the dev file offline without opening a database', async () => {
    const dataDir = join(dir, 'data');
    const file = join(dir, 'replies.jsonl');
    writeFileSync(file, `${devLines.slice(0, 5).join('\n')}\n{"id":"x"}\n`);
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, NOW: '', LOG_LEVEL: 'warn' };
    delete env.ANTHROPIC_API_KEY;
    delete env.DATABASE_URL;
    const run = promisify(execFile);
    const result = await run(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'replies', 'read', file, '--json'],
      {
        env,
      },
    ).then(
      (r) => ({ code: 0, stdout: r.stdout }),
      (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
    );
    expect(result.code).toBe(1); // the last line is not a reply
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(6);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      id: 'dev-001',
      intent: 'promise_to_pay',
      source: 'rules',
    });
    expect(JSON.parse(lines[5] ?? '')).toMatchObject({ id: 'x' });
    expect(existsSync(dataDir)).toBe(false);
  });
});
