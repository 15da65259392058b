import type { Kysely } from 'kysely';
import type { Clock } from '../adapters/clock.js';
import { getDunningPolicy } from '../adapters/db/dunning-queries.js';
import { loadLedger } from '../adapters/db/ledger-queries.js';
import { findOrganisation, type Organisation } from '../adapters/db/organisations.js';
import type { DB } from '../adapters/db/schema.js';
import { getSyncState } from '../adapters/db/xero-sync-state.js';
import { isIsoDate, localDateOf } from '../domain/calendar.js';
import type { CollectionsSignals } from '../domain/collections-signals.js';
import type { IsoDate, Ledger } from '../domain/ledger.js';
import { type LedgerAge, ledgerAge, ledgerAgeWarning } from '../domain/ledger-freshness.js';
import { isAppError } from '../errors.js';
import { loadCollectionsSignals } from '../use-cases/collections-view.js';
import { CliFailure, printJson, printLine } from './output.js';

/** What the collections commands need from the context; tests pass a test database and a fixed clock. */
export interface CommandDeps {
  readonly db: Kysely<DB>;
  readonly clock: Clock;
}

/** A command's result: the JSON document, the text for people, and the exit code. */
export interface CommandOutput {
  readonly exitCode: 0 | 1;
  readonly json: unknown;
  readonly text: string;
}

export interface ScopeOptions {
  readonly org?: string;
  readonly asOf?: string;
}

export interface LedgerScope {
  readonly organisation: Organisation;
  readonly ledger: Ledger;
  readonly asOf: IsoDate;
  /** How old the synced figures are (since the last complete sync); null when unknown. */
  readonly ledgerAge: LedgerAge | null;
  /** Promises, disputes and pauses, as Slack's reports read them (the forecast counts active promises). */
  readonly signals: CollectionsSignals;
}

export function parseIsoDateOption(value: string | undefined, flag: string): IsoDate | undefined {
  if (value === undefined) return undefined;
  if (!isIsoDate(value))
    throw new CliFailure(`${flag} must be a calendar date YYYY-MM-DD (got '${value}')`, 2);
  return value;
}

export function parsePositiveInt(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) {
    throw new CliFailure(`${flag} must be a whole number from 1 to ${max} (got '${value}')`, 2);
  }
  return n;
}

/**
 * Resolves --org, loads the synced ledger and settles the as-of date: --as-of, or today in the organisation's
 * time zone by the context clock (NOW=… moves it).
 */
export async function resolveLedgerScope(deps: CommandDeps, options: ScopeOptions): Promise<LedgerScope> {
  const explicit = parseIsoDateOption(options.asOf, '--as-of');
  const found = await findOrganisation(deps.db, options.org);
  if (found.kind === 'none') {
    throw new CliFailure(
      options.org
        ? `no organisation matches '${options.org}' (see \`ar-copilot orgs\`)`
        : 'no organisation connected yet',
      2,
    );
  }
  if (found.kind === 'ambiguous') {
    const names = found.matches.map((o) => `  ${o.name} (${o.shortCode ?? o.id})`).join('\n');
    throw new CliFailure(`--org is ambiguous; say which of:\n${names}`, 2);
  }
  const organisation = found.organisation;
  let ledger: Ledger;
  try {
    ledger = await loadLedger(deps.db, organisation.id);
  } catch (err) {
    if (isAppError(err, 'ORG_NOT_SYNCED')) throw new CliFailure(err.message, 1);
    throw err;
  }
  const now = deps.clock.now();
  const [sync, stored, signals] = await Promise.all([
    getSyncState(deps.db, organisation.id, now.getTime()),
    getDunningPolicy(deps.db, organisation.id),
    loadCollectionsSignals(deps.db, organisation.id, ledger.organisation.timezone),
  ]);
  return {
    organisation,
    ledger,
    asOf: explicit ?? localDateOf(now, ledger.organisation.timezone),
    ledgerAge: ledgerAge(sync?.lastCompleteAt ?? null, now, stored.policy.staleLedgerHours),
    signals,
  };
}

/**
 * A report's output with the ledger's age: `ledgerAge` in the JSON document (minutes since the last complete
 * sync and whether planning has stopped; null when unknown), and the same warning the Slack surfaces show
 * above the text once the figures are older than a healthy ledger ever is.
 */
export function withLedgerAge(scope: LedgerScope, output: CommandOutput): CommandOutput {
  const warning = ledgerAgeWarning(scope.ledgerAge);
  return {
    exitCode: output.exitCode,
    json:
      output.json !== null && typeof output.json === 'object'
        ? { ...output.json, ledgerAge: scope.ledgerAge }
        : output.json,
    text: warning ? `WARNING: ${warning}\n${output.text}` : output.text,
  };
}

export function emit(output: CommandOutput, json: boolean | undefined): void {
  if (json) printJson(output.json);
  else printLine(output.text);
  if (output.exitCode !== 0) process.exitCode = output.exitCode;
}
