/**
 * The reproduction's curves as a self-contained SVG, drawn the way the paper plots them: train and
 * validation accuracy against the optimizer step on a log-scale x axis, one panel per arm, one colour
 * per seed (train dashed, validation solid), the target accuracy as a grey line.
 */
import type { GrokfastRun } from './demo.js';

const PANEL = { width: 320, height: 260, left: 44, right: 12, top: 28, bottom: 40 } as const;
const SEED_COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e'] as const;

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The x range in decades: from the first logged step down to a power of ten, to the last up to one. */
function decades(runs: readonly GrokfastRun[]): { low: number; high: number } {
  const steps = runs.flatMap((run) => run.curve.map((point) => point.step)).filter((step) => step > 0);
  if (steps.length === 0) return { low: 1, high: 2 };
  const low = Math.floor(Math.log10(Math.min(...steps)));
  return { low, high: Math.max(low + 1, Math.ceil(Math.log10(Math.max(...steps)))) };
}

function axes(x0: number, range: { low: number; high: number }, target: number): string[] {
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  const parts = [
    `<rect x="${x0 + PANEL.left}" y="${PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
  ];
  for (let decade = range.low; decade <= range.high; decade++) {
    const x = x0 + PANEL.left + ((decade - range.low) / (range.high - range.low)) * plotW;
    parts.push(`<line x1="${x}" y1="${PANEL.top}" x2="${x}" y2="${PANEL.top + plotH}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${x}" y="${PANEL.top + plotH + 14}" font-size="10" text-anchor="middle">10<tspan dy="-4" font-size="8">${decade}</tspan></text>`,
    );
  }
  for (const accuracy of [0, 0.25, 0.5, 0.75, 1]) {
    const y = PANEL.top + (1 - accuracy) * plotH;
    parts.push(
      `<text x="${x0 + PANEL.left - 4}" y="${y + 3}" font-size="10" text-anchor="end">${accuracy * 100}%</text>`,
    );
  }
  const targetY = PANEL.top + (1 - target) * plotH;
  parts.push(
    `<line x1="${x0 + PANEL.left}" y1="${targetY}" x2="${x0 + PANEL.width - PANEL.right}" y2="${targetY}" stroke="#999" stroke-dasharray="2,3"/>`,
    `<text x="${x0 + PANEL.left + plotW / 2}" y="${PANEL.height - 8}" font-size="11" text-anchor="middle">optimizer steps (log scale)</text>`,
  );
  return parts;
}

/** Polyline points of one accuracy series, x = log10(step) mapped onto the panel. */
function seriesPoints(
  run: GrokfastRun,
  pick: 'trainAccuracy' | 'validationAccuracy',
  x0: number,
  range: { low: number; high: number },
): string {
  const plotW = PANEL.width - PANEL.left - PANEL.right;
  const plotH = PANEL.height - PANEL.top - PANEL.bottom;
  return run.curve
    .filter((point) => point.step > 0)
    .map((point) => {
      const x = x0 + PANEL.left + ((Math.log10(point.step) - range.low) / (range.high - range.low)) * plotW;
      const y = PANEL.top + (1 - point[pick]) * plotH;
      return `${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
}

/**
 * An SVG document of the runs' curves: one panel per arm label in `armOrder`, seeds coloured, train
 * accuracy dashed and validation accuracy solid, log-scale steps shared by all panels.
 */
export function grokfastCurvesSvg(runs: readonly GrokfastRun[], armOrder: readonly string[], target = 0.95): string {
  const range = decades(runs);
  const seeds = [...new Set(runs.map((run) => run.seed))].sort((a, b) => a - b);
  const width = PANEL.width * armOrder.length;
  const parts: string[] = [];
  armOrder.forEach((label, panel) => {
    const x0 = panel * PANEL.width;
    parts.push(...axes(x0, range, target));
    parts.push(
      `<text x="${x0 + PANEL.width / 2}" y="16" font-size="12" text-anchor="middle">${escapeXml(label)}</text>`,
    );
    for (const run of runs.filter((candidate) => candidate.arm === label)) {
      const colour = SEED_COLOURS[seeds.indexOf(run.seed) % SEED_COLOURS.length];
      parts.push(
        `<polyline fill="none" stroke="${colour}" stroke-width="1.2" stroke-dasharray="4,3" points="${seriesPoints(run, 'trainAccuracy', x0, range)}"/>`,
        `<polyline fill="none" stroke="${colour}" stroke-width="1.6" points="${seriesPoints(run, 'validationAccuracy', x0, range)}"/>`,
      );
    }
  });
  const legend = seeds
    .map((seed, index) => `<tspan fill="${SEED_COLOURS[index % SEED_COLOURS.length]}">seed ${seed}</tspan>`)
    .join('  ');
  parts.push(
    `<text x="8" y="${PANEL.height + 14}" font-size="11">${legend}  — validation (solid), train (dashed); grey: ${target * 100}% target</text>`,
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL.height + 22}" viewBox="0 0 ${width} ${PANEL.height + 22}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
