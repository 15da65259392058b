import { type CollectionsSignals, NO_SIGNALS } from './collections-signals.js';
import { type InvoiceRisk, type RiskModel, scoreOpenInvoices } from './late-payment-risk.js';
import type { IsoDate, Ledger } from './ledger.js';
import { type BehaviourModel, buildBehaviour } from './payer-behaviour.js';
import { indexLedger, type LedgerIndex, type LedgerSnapshot, snapshotAsOf } from './point-in-time.js';
import { RISK_MODEL } from './risk-weights.js';

/** The shared first steps of every collections view: index, point-in-time snapshot, behaviour, risk. */
export interface ScoredLedger {
  readonly index: LedgerIndex;
  readonly snapshot: LedgerSnapshot;
  readonly behaviour: BehaviourModel;
  /** In the order of snapshot.open. */
  readonly risks: readonly InvoiceRisk[];
  /** Built on first use: most callers walk `risks` and never look one up by id. */
  readonly riskByInvoice: ReadonlyMap<string, number>;
  readonly signals: CollectionsSignals;
  readonly model: RiskModel;
}

export function scoreLedger(
  ledger: Ledger | LedgerIndex,
  asOf: IsoDate,
  options: { signals?: CollectionsSignals; model?: RiskModel } = {},
): ScoredLedger {
  const index = 'contactsById' in ledger ? ledger : indexLedger(ledger);
  const signals = options.signals ?? NO_SIGNALS;
  const model = options.model ?? RISK_MODEL;
  const snapshot = snapshotAsOf(index, asOf);
  const behaviour = buildBehaviour(snapshot, signals);
  const risks = scoreOpenInvoices(snapshot.open, (id) => behaviour.behaviourOf(id), model);
  let riskByInvoice: Map<string, number> | null = null;
  return {
    index,
    snapshot,
    behaviour,
    risks,
    get riskByInvoice() {
      riskByInvoice ??= new Map(risks.map((r) => [r.position.invoice.id, r.risk]));
      return riskByInvoice;
    },
    signals,
    model,
  };
}
