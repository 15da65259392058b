import * as xeroNode from 'xero-node';
import { generateDemoOrg } from '../src/sandbox/xero/demo-org.js';
import { invoiceJson, paymentJson, contactJson } from '../src/sandbox/xero/serialize.js';
import { SandboxStore } from '../src/sandbox/xero/store.js';
import { createXeroDeserializer } from '../src/adapters/xero/xero-deserializer.js';
const store = new SandboxStore(() => new Date('2026-03-16T02:00:00.000Z'));
const t = generateDemoOrg(store, { seed: 1, asOf: '2026-03-15', contacts: 2000, invoices: 10000 });
const inv = store.sorted(t, 'Invoices').slice(0, 1000).map((i) => invoiceJson(i as never));
const pay = store.sorted(t, 'Payments').slice(0, 1000).map((i) => paymentJson(i as never));
const con = store.sorted(t, 'Contacts').slice(0, 1000).map((c) => contactJson(store, c));
const invText = JSON.stringify({ Invoices: inv }); const payText = JSON.stringify({ Payments: pay }); const conText=JSON.stringify({Contacts:con});
console.log('bytes/page invoices', invText.length, 'payments', payText.length, 'contacts', conText.length);
const original = xeroNode.ObjectSerializer.deserialize.bind(xeroNode.ObjectSerializer) as never;
const fast = createXeroDeserializer(xeroNode as never, original);
for (const [label, text, type] of [['inv', invText, 'Invoices'], ['pay', payText, 'Payments'], ['con', conText, 'Contacts']] as const) {
  let t0 = performance.now(); for (let i = 0; i < 10; i++) JSON.parse(text); const parse = (performance.now() - t0) / 10;
  const data = JSON.parse(text);
  t0 = performance.now(); for (let i = 0; i < 10; i++) (original as any)(data, type); const o = (performance.now() - t0) / 10;
  t0 = performance.now(); for (let i = 0; i < 20; i++) fast(data, type); const f = (performance.now() - t0) / 20;
  console.log(label, 'parse', parse.toFixed(1), 'original', o.toFixed(1), 'fast', f.toFixed(1), 'ms/page');
}
