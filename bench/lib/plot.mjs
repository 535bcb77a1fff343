// PNG plots without a browser or a display: Vega-Lite spec -> Vega -> SVG (headless) -> PNG (resvg).
import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

/** Renders a Vega-Lite spec to `file` as PNG (2x scale) and returns the file name. */
export async function writePng(file, spec) {
  const compiled = vegaLite.compile({ width: 420, height: 240, ...spec }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { background: 'white', font: { loadSystemFonts: true } }).render().asPng();
  fs.writeFileSync(file, png);
  return file;
}

/** Grouped bars: `rows` of {group, series, value}; one group per figure, one bar per system. */
export function groupedBars({ title, rows, unit }) {
  return {
    title,
    data: { values: rows },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal', title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series' },
      y: { field: 'value', type: 'quantitative', title: unit },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Lines: `points` of {x, y, series}. */
export function lines({ title, points, x, y }) {
  return {
    title,
    data: { values: points },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: x },
      y: { field: 'y', type: 'quantitative', title: y },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}
