/**
 * Pure SVG charts for images posted to Slack (#19): a multi-line chart and a band chart, each with a title, axis
 * labels, a legend and alt text. No packages: the output is a string, the same for the same input (no clocks, no
 * random ids), so tests compare it byte for byte. Every label is escaped as XML text.
 */

export interface ChartSeries {
  readonly name: string;
  /** One value per category; null draws a gap. */
  readonly values: readonly (number | null)[];
}

export interface ChartFrame {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly categories: readonly string[];
  /** Formats a y-axis tick ("NZ$12k"). */
  readonly formatY?: (value: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export interface LineChartSpec extends ChartFrame {
  readonly series: readonly ChartSeries[];
}

export interface BandChartSpec extends ChartFrame {
  readonly band: {
    readonly name: string;
    readonly low: readonly (number | null)[];
    readonly high: readonly (number | null)[];
  };
  readonly expected: ChartSeries;
  readonly actual: ChartSeries;
}

export interface ChartSvg {
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  /** What the chart shows, in words, for screen readers (Slack's alt text). */
  readonly altText: string;
}

export const CHART_WIDTH = 960;
export const CHART_HEIGHT = 480;
/** Colour-blind-safe (Okabe–Ito). */
export const CHART_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442'];
const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
const MARGIN = { top: 56, right: 56, bottom: 96, left: 88 };

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .split('')
    .filter((ch) => {
      // XML 1.0 forbids control characters other than tab, newline and carriage return.
      const code = ch.charCodeAt(0);
      return code >= 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
    })
    .join('');
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

export function compactNumber(value: number): string {
  const a = Math.abs(value);
  if (a >= 1e9) return `${fmt(value / 1e9)}B`;
  if (a >= 1e6) return `${fmt(value / 1e6)}M`;
  if (a >= 1e3) return `${fmt(value / 1e3)}k`;
  return fmt(value);
}

/** A "nice" axis: 0 (or the minimum) to a round maximum in about five steps. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const lo = Math.min(0, min);
  const hi = max <= lo ? lo + 1 : max;
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const start = Math.floor(lo / step) * step;
  const ticks: number[] = [];
  for (let v = start; v < hi + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

interface Plot {
  readonly width: number;
  readonly height: number;
  readonly x: (i: number) => number;
  readonly y: (v: number) => number;
  readonly parts: string[];
}

function frame(spec: ChartFrame, values: readonly (number | null)[]): Plot {
  const width = spec.width ?? CHART_WIDTH;
  const height = spec.height ?? CHART_HEIGHT;
  const finite = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const ticks = niceTicks(finite.length ? Math.min(...finite) : 0, finite.length ? Math.max(...finite) : 1);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const n = Math.max(1, spec.categories.length);
  const x = (i: number) => MARGIN.left + (n === 1 ? plotW / 2 : (plotW * i) / (n - 1));
  const y = (v: number) => MARGIN.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const formatY = spec.formatY ?? compactNumber;
  const parts: string[] = [
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="30" text-anchor="middle" font-size="20" font-weight="bold">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of ticks) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}" stroke="#dddddd"/>`,
      `<text x="${MARGIN.left - 8}" y="${fmt(y(t) + 4)}" text-anchor="end" font-size="12">${escapeXml(formatY(t))}</text>`,
    );
  }
  // At most ~12 category labels, evenly picked, so long series stay legible.
  const every = Math.max(1, Math.ceil(spec.categories.length / 12));
  spec.categories.forEach((c, i) => {
    if (i % every !== 0 && i !== spec.categories.length - 1) return;
    parts.push(
      `<text x="${fmt(x(i))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle" font-size="12">${escapeXml(c)}</text>`,
    );
  });
  parts.push(
    `<line x1="${MARGIN.left}" x2="${width - MARGIN.right}" y1="${fmt(y(lo))}" y2="${fmt(y(lo))}" stroke="#333333"/>`,
    `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333333"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top + plotH + 42}" text-anchor="middle" font-size="14">${escapeXml(spec.xLabel)}</text>`,
    `<text transform="translate(20 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="14">${escapeXml(spec.yLabel)}</text>`,
  );
  return { width, height, x, y, parts };
}

/** Polyline segments through the non-null points (a null breaks the line). */
function path(plot: Plot, values: readonly (number | null)[]): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${fmt(plot.x(i))} ${fmt(plot.y(v))} `;
    pen = true;
  });
  return d.trim();
}

function legend(
  plot: Plot,
  items: readonly { name: string; colour: string; kind: 'line' | 'band' | 'dash' }[],
) {
  let x = MARGIN.left;
  const y = plot.height - 22;
  for (const item of items) {
    const mark =
      item.kind === 'band'
        ? `<rect x="${x}" y="${y - 10}" width="22" height="12" fill="${item.colour}" fill-opacity="0.25"/>`
        : `<line x1="${x}" x2="${x + 22}" y1="${y - 4}" y2="${y - 4}" stroke="${item.colour}" stroke-width="3"${item.kind === 'dash' ? ' stroke-dasharray="6 4"' : ''}/>`;
    plot.parts.push(mark, `<text x="${x + 28}" y="${y}" font-size="13">${escapeXml(item.name)}</text>`);
    x += 28 + Math.min(30, item.name.length) * 7.5 + 24;
  }
}

function svgOf(plot: Plot, title: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${plot.width}" height="${plot.height}" viewBox="0 0 ${plot.width} ${plot.height}" font-family="${FONT}" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    ...plot.parts,
    '</svg>',
  ].join('\n');
}

export function lineChartSvg(spec: LineChartSpec, altText: string): ChartSvg {
  const plot = frame(
    spec,
    spec.series.flatMap((s) => s.values),
  );
  spec.series.forEach((s, i) => {
    const colour = CHART_COLOURS[i % CHART_COLOURS.length]!;
    const d = path(plot, s.values);
    if (d) plot.parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2.5"/>`);
  });
  legend(
    plot,
    spec.series.map((s, i) => ({
      name: s.name,
      colour: CHART_COLOURS[i % CHART_COLOURS.length]!,
      kind: 'line',
    })),
  );
  return { svg: svgOf(plot, spec.title), width: plot.width, height: plot.height, title: spec.title, altText };
}

export function bandChartSvg(spec: BandChartSpec, altText: string): ChartSvg {
  const plot = frame(spec, [
    ...spec.band.low,
    ...spec.band.high,
    ...spec.expected.values,
    ...spec.actual.values,
  ]);
  const [bandColour, actualColour] = [CHART_COLOURS[0]!, CHART_COLOURS[3]!];
  // The band: high left to right, then low right to left, over the categories where both are known.
  const idx = spec.categories
    .map((_, i) => i)
    .filter((i) => spec.band.low[i] != null && spec.band.high[i] != null);
  if (idx.length) {
    const top = idx.map((i) => `${fmt(plot.x(i))} ${fmt(plot.y(spec.band.high[i]!))}`);
    const bottom = [...idx].reverse().map((i) => `${fmt(plot.x(i))} ${fmt(plot.y(spec.band.low[i]!))}`);
    plot.parts.push(
      `<path d="M${[...top, ...bottom].join(' L')} Z" fill="${bandColour}" fill-opacity="0.25" stroke="none"/>`,
    );
  }
  const expected = path(plot, spec.expected.values);
  if (expected)
    plot.parts.push(
      `<path d="${expected}" fill="none" stroke="${bandColour}" stroke-width="2" stroke-dasharray="6 4"/>`,
    );
  const actual = path(plot, spec.actual.values);
  if (actual) plot.parts.push(`<path d="${actual}" fill="none" stroke="${actualColour}" stroke-width="3"/>`);
  spec.actual.values.forEach((v, i) => {
    if (v !== null && Number.isFinite(v))
      plot.parts.push(
        `<circle cx="${fmt(plot.x(i))}" cy="${fmt(plot.y(v))}" r="3.5" fill="${actualColour}"/>`,
      );
  });
  legend(plot, [
    { name: spec.band.name, colour: bandColour, kind: 'band' },
    { name: spec.expected.name, colour: bandColour, kind: 'dash' },
    { name: spec.actual.name, colour: actualColour, kind: 'line' },
  ]);
  return { svg: svgOf(plot, spec.title), width: plot.width, height: plot.height, title: spec.title, altText };
}
