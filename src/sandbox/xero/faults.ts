/**
 * Fault injection for the sandbox: the next matching request(s) fail the way Xero or the network can fail.
 */

export type Fault =
  | { kind: 'status'; status: number; retryAfterSec?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'malformed' }
  | { kind: 'reset' };

export interface FaultRule {
  match?: { method?: string; path?: RegExp };
  /** How many matching requests it hits; default 1. */
  times?: number;
  fault: Fault;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];

  inject(rule: FaultRule): void {
    this.rules.push({ rule, remaining: rule.times ?? 1 });
  }

  clear(): void {
    this.rules = [];
  }

  /** Faults not yet used up. */
  get pending(): number {
    return this.rules.reduce((n, r) => n + (Number.isFinite(r.remaining) ? r.remaining : 1), 0);
  }

  /** Takes the first rule matching this request, consuming one of its times. */
  take(method: string, path: string): Fault | null {
    for (const active of this.rules) {
      const m = active.rule.match;
      if (m?.method && m.method.toUpperCase() !== method.toUpperCase()) continue;
      if (m?.path && !m.path.test(path)) continue;
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return active.rule.fault;
    }
    return null;
  }
}
