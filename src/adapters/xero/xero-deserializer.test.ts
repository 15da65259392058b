import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as xeroNode from 'xero-node';
import { generateDemoOrg } from '../../sandbox/xero/demo-org.js';
import { createRng } from '../../sandbox/xero/prng.js';
import {
  contactJson,
  creditJson,
  invoiceJson,
  organisationJson,
  paymentJson,
} from '../../sandbox/xero/serialize.js';
import { SandboxStore } from '../../sandbox/xero/store.js';
import {
  createXeroDeserializer,
  installFastXeroDeserializer,
  uninstallFastXeroDeserializer,
} from './xero-deserializer.js';

type Deserialize = (data: unknown, type: string) => unknown;
type Model = { getAttributeTypeMap(): Array<{ name: string; baseName: string; type: string }> };

const registry = xeroNode as unknown as Record<string, unknown>;
const modelNames = Object.keys(registry).filter(
  (k) => typeof (registry[k] as Partial<Model>)?.getAttributeTypeMap === 'function',
);

// xero-node's own method, with nothing of ours underneath it (its recursion looks the method up again).
let original: Deserialize;
let fast: Deserialize;
beforeAll(() => {
  uninstallFastXeroDeserializer();
  original = xeroNode.ObjectSerializer.deserialize.bind(xeroNode.ObjectSerializer) as Deserialize;
  fast = createXeroDeserializer(registry, original);
});
afterAll(() => installFastXeroDeserializer());

/** A wire value for a declared type: everything a response can hold there, nulls and MS dates included. */
function sample(type: string, random: () => number, depth: number): unknown {
  const pick = random();
  if (pick < 0.08) return null;
  if (pick < 0.16) return undefined;
  if (type.startsWith('Array<')) {
    if (depth > 3) return [];
    const n = Math.floor(random() * 3);
    return Array.from({ length: n }, () => sample(type.slice(6, -1), random, depth + 1));
  }
  switch (type) {
    case 'string':
      return pick < 0.4 ? `/Date(${1_700_000_000_000 + Math.floor(random() * 1e10)}+0000)/` : `text ${pick}`;
    case 'Date':
      return pick < 0.5
        ? `/Date(${1_600_000_000_000 + Math.floor(random() * 1e10)})/`
        : '2026-11-21T03:04:05';
    case 'number':
    case 'double':
      return Math.round(random() * 1e6) / 100;
    case 'boolean':
      return pick < 0.6;
    case 'any':
      return { anything: [1, 'two'] };
  }
  const model = registry[type] as Partial<Model> | undefined;
  if (typeof model?.getAttributeTypeMap !== 'function') return `ENUM_${Math.floor(pick * 10)}`;
  if (depth > 3) return {};
  const out: Record<string, unknown> = { NotInTheModel: 'ignored' };
  for (const a of model.getAttributeTypeMap()) out[a.baseName] = sample(a.type, random, depth + 1);
  return out;
}

describe('planned Xero deserialiser', () => {
  it('knows every accounting model xero-node exports', () => {
    expect(modelNames.length).toBeGreaterThan(100);
    expect(modelNames).toContain('Invoices');
  });

  it.each(modelNames)('gives what xero-node gives for %s', (name) => {
    const rng = createRng(name.length * 7919 + name.charCodeAt(0));
    const random = () => rng.next();
    for (let i = 0; i < 5; i++) {
      const data = sample(name, random, 0);
      const expected = original(data, name);
      const actual = fast(data, name);
      // Strict: the same classes, the same own properties (undefined ones too), the same Dates.
      expect(actual).toStrictEqual(expected);
    }
  });

  it('gives what xero-node gives for the sandbox responses of a demo organisation', () => {
    const store = new SandboxStore(() => new Date('2026-03-16T02:00:00.000Z'));
    const tenantId = generateDemoOrg(store, { seed: 3, asOf: '2026-03-15', contacts: 40, invoices: 400 });
    const org = store.org(tenantId);
    const sorted = (r: 'Invoices' | 'Payments' | 'CreditNotes' | 'Overpayments' | 'Prepayments') =>
      store.sorted(tenantId, r) as never[];
    const responses: Array<[unknown, string]> = [
      [{ Organisations: [organisationJson(org)] }, 'Organisations'],
      [{ Contacts: store.sorted(tenantId, 'Contacts').map((c) => contactJson(store, c)) }, 'Contacts'],
      [{ Invoices: sorted('Invoices').map((i) => invoiceJson(i)), pagination: { page: 1 } }, 'Invoices'],
      [{ Payments: sorted('Payments').map((p) => paymentJson(p)) }, 'Payments'],
      [{ CreditNotes: sorted('CreditNotes').map((c) => creditJson(c)) }, 'CreditNotes'],
      [{ Overpayments: sorted('Overpayments').map((c) => creditJson(c)) }, 'Overpayments'],
      [{ Prepayments: sorted('Prepayments').map((c) => creditJson(c)) }, 'Prepayments'],
    ];
    for (const [body, type] of responses) {
      // Through JSON, as axios hands it over.
      const data = JSON.parse(JSON.stringify(body));
      expect(fast(data, type)).toStrictEqual(original(data, type));
    }
    const invoices = fast(JSON.parse(JSON.stringify(responses[2]?.[0])), 'Invoices') as {
      invoices: Array<{ date: unknown; payments?: unknown[] }>;
    };
    // MS dates typed as strings become Dates, as xero-node does (reference/xero-api.md §2).
    expect(invoices.invoices[0]?.date).toBeInstanceOf(Date);
    expect(invoices.invoices.length).toBeGreaterThan(100);
  });

  it('is what xero-node uses once installed, and can be taken out again', () => {
    installFastXeroDeserializer();
    installFastXeroDeserializer();
    expect(xeroNode.ObjectSerializer.deserialize).not.toBe(original);
    const data = { Invoices: [{ InvoiceID: 'a', Date: '/Date(1700000000000+0000)/', Total: 5 }] };
    expect(xeroNode.ObjectSerializer.deserialize(data, 'Invoices')).toStrictEqual(original(data, 'Invoices'));
    uninstallFastXeroDeserializer();
    expect(xeroNode.ObjectSerializer.deserialize(data, 'Invoices')).toStrictEqual(original(data, 'Invoices'));
  });
});
