import { describe, expect, it } from 'vitest';
import { REPORT_AS_OF, sampleReport } from '../../testing/report-fixture.js';
import { PNG_SIGNATURE, pngSize, renderChartPng } from './png.js';
import { ageingChart, forecastChart } from './report-charts.js';
import { bandChartSvg, escapeXml, lineChartSvg, niceTicks } from './svg.js';

const spec = {
  title: 'Overdue <by> age & "more"',
  xLabel: 'Week <ISO>',
  yLabel: "Amount (NZ$) & co's",
  categories: ['2026-W46', '2026-W47', '<script>'],
};

describe('SVG charts', () => {
  it('is the same string for the same data, with title, axis labels and legend escaped', () => {
    const a = lineChartSvg({ ...spec, series: [{ name: '90+ <days>', values: [1, null, 3] }] }, 'alt');
    const b = lineChartSvg({ ...spec, series: [{ name: '90+ <days>', values: [1, null, 3] }] }, 'alt');
    expect(a.svg).toBe(b.svg);
    expect(a.svg).toContain('<title>Overdue &lt;by&gt; age &amp; &quot;more&quot;</title>');
    expect(a.svg).toContain('>Week &lt;ISO&gt;</text>');
    expect(a.svg).toContain('>Amount (NZ$) &amp; co&apos;s</text>');
    expect(a.svg).toContain('>&lt;script&gt;</text>');
    expect(a.svg).toContain('>90+ &lt;days&gt;</text>');
    expect(a.svg).not.toContain('<script>');
    // A null breaks the line: two separate moves.
    expect(a.svg.match(/<path d="M[^"]*"/)?.[0].match(/M/g)).toHaveLength(2);
    expect({ width: a.width, height: a.height, altText: a.altText }).toEqual({
      width: 960,
      height: 480,
      altText: 'alt',
    });
  });

  it('draws a band from low to high with the expected and actual lines', () => {
    const c = bandChartSvg(
      {
        ...spec,
        band: { name: 'Range', low: [1, 2, 3], high: [4, 5, 6] },
        expected: { name: 'Expected', values: [2, 3, 4] },
        actual: { name: 'Received', values: [2, null, 5] },
      },
      'alt',
    );
    expect(c.svg).toMatch(/<path d="M[^"]+ Z" fill="#0072B2" fill-opacity="0.25"/);
    expect(c.svg).toContain('stroke-dasharray="6 4"');
    expect(c.svg.match(/<circle /g)).toHaveLength(2);
  });

  it('picks round ticks from zero', () => {
    expect(niceTicks(0, 9_300)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(niceTicks(0, 0)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(escapeXml('a\u0001b')).toBe('ab');
  });

  it("charts the report's ageing over 12 weeks and its forecast band, with alt text in words", () => {
    const report = sampleReport('week');
    const ageing = ageingChart(report, 'Demo <Trading>');
    expect(ageing.title).toBe('Demo <Trading>: overdue by age, last 12 weeks');
    expect(ageing.svg).toContain('Demo &lt;Trading&gt;: overdue by age');
    for (const label of ['All overdue', '1–30 days', '31–60 days', '61–90 days', '90+ days'])
      expect(ageing.svg).toContain(`>${label}</text>`);
    expect(ageing.altText).toMatch(
      /^Line chart of overdue receivables by days past due .* from 2026-W37 to 2026-W48, in NZD\./,
    );
    expect(ageingChart(report, 'Demo <Trading>').svg).toBe(ageing.svg);
    const forecast = forecastChart(report, 'Demo');
    expect(forecast.svg).toContain('>Forecast range</text>');
    expect(forecast.altText).toContain('expected NZD');
    expect(REPORT_AS_OF).toBe('2026-11-23');
  });
});

describe('PNG', () => {
  it('renders a PNG of the asked size (2× the SVG), of sane weight', () => {
    const chart = ageingChart(sampleReport('month'), 'Demo');
    const { png, width, height } = renderChartPng(chart);
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect({ width, height }).toEqual({ width: 1920, height: 960 });
    expect(pngSize(png)).toEqual({ width: 1920, height: 960 });
    expect(png.length).toBeGreaterThan(10_000);
    expect(png.length).toBeLessThan(1_000_000);
    const small = renderChartPng(chart, 1);
    expect(pngSize(small.png)).toEqual({ width: 960, height: 480 });
    expect(pngSize(Buffer.from('not a png'))).toBeNull();
  });
});
