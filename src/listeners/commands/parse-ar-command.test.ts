import { describe, expect, it } from 'vitest';
import { parseArCommand } from './parse-ar-command.js';

describe('parseArCommand', () => {
  it('gives help for empty text, help and ?', () => {
    expect(parseArCommand('')).toEqual({ kind: 'help' });
    expect(parseArCommand('  help ')).toEqual({ kind: 'help' });
    expect(parseArCommand('?')).toEqual({ kind: 'help' });
  });

  it('reads top with and without N, and rejects bad N with usage', () => {
    expect(parseArCommand('top')).toEqual({ kind: 'top', limit: 10, orgRef: null, share: false });
    expect(parseArCommand('TOP 25')).toEqual({ kind: 'top', limit: 25, orgRef: null, share: false });
    expect(parseArCommand('top 26')).toMatchObject({
      kind: 'help',
      problem: expect.stringContaining('1 to 25'),
    });
    expect(parseArCommand('top ten')).toMatchObject({ kind: 'help' });
    expect(parseArCommand('top 0')).toMatchObject({ kind: 'help' });
  });

  it('takes org:NAME anywhere, quoted or not, and a trailing share', () => {
    expect(parseArCommand('aging acme org:demo share')).toEqual({
      kind: 'aging',
      customer: 'acme',
      orgRef: 'demo',
      share: true,
    });
    expect(parseArCommand('org:"Demo Company (NZ)" customer Big  Co')).toEqual({
      kind: 'customer',
      customer: 'Big Co',
      orgRef: 'Demo Company (NZ)',
      share: false,
    });
  });

  it('keeps "share" inside a customer name and as a lone word', () => {
    expect(parseArCommand('customer share')).toMatchObject({ kind: 'help' });
    expect(parseArCommand('customer Shareholders Ltd')).toMatchObject({
      customer: 'Shareholders Ltd',
      share: false,
    });
  });

  it('reads pause with a date and a reason, with -- and with neither', () => {
    expect(parseArCommand('pause Acme & Co until 2026-12-01 customer on holiday')).toEqual({
      kind: 'pause',
      customer: 'Acme & Co',
      until: '2026-12-01',
      reason: 'customer on holiday',
      orgRef: null,
      share: false,
    });
    expect(parseArCommand('pause acme -- waiting for PO')).toMatchObject({
      customer: 'acme',
      until: null,
      reason: 'waiting for PO',
    });
    expect(parseArCommand('pause acme')).toMatchObject({ customer: 'acme', until: null, reason: null });
  });

  it('explains a bad pause date, a missing customer and unknown subcommands', () => {
    expect(parseArCommand('pause acme until tomorrow')).toMatchObject({
      kind: 'help',
      problem: expect.stringContaining('2026-12-01'),
    });
    expect(parseArCommand('pause')).toMatchObject({ kind: 'help' });
    expect(parseArCommand('resume')).toMatchObject({ kind: 'help' });
    expect(parseArCommand('customer')).toMatchObject({ kind: 'help' });
    expect(parseArCommand('frobnicate now')).toEqual({
      kind: 'help',
      problem: 'Unknown command "frobnicate".',
    });
  });

  it('accepts ageing, kpi and the no-argument commands', () => {
    expect(parseArCommand('ageing')).toMatchObject({ kind: 'aging', customer: null });
    expect(parseArCommand('kpi')).toMatchObject({ kind: 'kpis', period: 'week' });
    for (const k of ['forecast', 'sync', 'setup', 'policy', 'promises', 'disputes'] as const)
      expect(parseArCommand(k)).toMatchObject({ kind: k });
    expect(parseArCommand('resume acme ltd')).toMatchObject({ kind: 'resume', customer: 'acme ltd' });
    expect(parseArCommand('promises org:Harbour share')).toMatchObject({
      kind: 'promises',
      orgRef: 'Harbour',
      share: true,
    });
    expect(parseArCommand('dispute')).toMatchObject({ kind: 'disputes' });
  });

  it('reads report with week (the default) or month, and refuses other periods with usage', () => {
    expect(parseArCommand('report')).toEqual({ kind: 'report', period: 'week', orgRef: null, share: false });
    expect(parseArCommand('report week')).toMatchObject({ kind: 'report', period: 'week' });
    expect(parseArCommand('REPORT Month org:Demo share')).toEqual({
      kind: 'report',
      period: 'month',
      orgRef: 'Demo',
      share: true,
    });
    expect(parseArCommand('report quarter')).toEqual({
      kind: 'help',
      problem: '`report` takes week or month (got "quarter").',
    });
  });

  it('reads kpis with week (the default) or month, like report', () => {
    expect(parseArCommand('kpis')).toEqual({ kind: 'kpis', period: 'week', orgRef: null, share: false });
    expect(parseArCommand('kpis monthly share')).toEqual({
      kind: 'kpis',
      period: 'month',
      orgRef: null,
      share: true,
    });
    expect(parseArCommand('kpis year')).toEqual({
      kind: 'help',
      problem: '`kpis` takes week or month (got "year").',
    });
  });
});
