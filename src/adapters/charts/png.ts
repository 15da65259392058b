import { Resvg } from '@resvg/resvg-js';
import type { ChartSvg } from './svg.js';

/**
 * SVG → PNG with resvg (Rust, prebuilt binaries; no native canvas). Text needs a font on the machine: the
 * runtime image installs DejaVu (Dockerfile); without one, labels would be missing, so a font family is named.
 */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ChartPng {
  readonly png: Buffer;
  readonly width: number;
  readonly height: number;
}

/** Draws the chart at `scale` × its SVG size (2 = sharp on high-density screens). */
export function renderChartPng(chart: Pick<ChartSvg, 'svg' | 'width'>, scale = 2): ChartPng {
  const resvg = new Resvg(chart.svg, {
    fitTo: { mode: 'width', value: Math.round(chart.width * scale) },
    background: '#ffffff',
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans', sansSerifFamily: 'DejaVu Sans' },
  });
  const image = resvg.render();
  return { png: Buffer.from(image.asPng()), width: image.width, height: image.height };
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } | null {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
