import { existsSync } from 'node:fs';
import path from 'node:path';
import { PIPELINE_FILE, initBackend, metricSeries, readPipelineState, readRunStore } from '@agent-forge/core';
import type { PipelineState } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startDashboard } from '../src/dashboard/server.js';
import type { Dashboard } from '../src/dashboard/server.js';
import { listRuns, readRunView } from '../src/dashboard/run-data.js';
import type { PipelineEffects } from '../src/effects/index.js';
import {
  PIPELINE_PHASES,
  measureMicroEffects,
  runAlertRun,
  runMicroPipeline,
  runPipelineShapedRun,
  startLiveRun,
  tempRunsDir,
} from './dashboard-fixture.js';

const CHROMIUM = process.env.FORGE_CHROMIUM ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.CI)
  console.warn(`dashboard browser test skipped: no chromium at ${CHROMIUM} (apt-get install chromium); in CI it runs`);

interface ChartData {
  labels?: unknown[];
  datasets: Array<{ label: string; data: unknown[] }>;
  /** Tick labels Chart.js drew on the category axis (after any auto-skipping). */
  drawn: string[];
  /** Axis titles by scale id. */
  axes: Record<string, string>;
}
const GENERATIONS = [
  { bestFitness: 1.5, meanFitness: 1.25, diversity: 0.75 },
  { bestFitness: 1.75, meanFitness: 1.5, diversity: 0.5 },
];

let runsDir = '';
let dashboard: Dashboard;
let micro: PipelineState;
let live: ReturnType<typeof startLiveRun>;
let alertMessages: string[] = [];
let effects: PipelineEffects;

beforeAll(async () => {
  await initBackend();
  runsDir = tempRunsDir();
  effects = await measureMicroEffects(await runMicroPipeline(runsDir));
  await runPipelineShapedRun(runsDir);
  micro = readPipelineState(path.join(runsDir, 'micro-run'));
  live = startLiveRun(runsDir, GENERATIONS);
  await live.started;
  alertMessages = await runAlertRun(runsDir, [0.5, 0.25]);
  dashboard = await startDashboard({ runsDir, port: 0 });
});

afterAll(async () => {
  await live?.finish();
  await dashboard?.close();
});

const getJson = async (url: string): Promise<{ status: number; body: unknown }> => {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
};

describe('dashboard JSON API', () => {
  it('lists both runs, the live one marked, and serves the page and Chart.js from 127.0.0.1', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const runs = (await getJson(`${dashboard.url}api/runs`)).body as Array<{ runId: string; live: boolean }>;
    expect(runs.map((r) => [r.runId, r.live]).sort()).toEqual([
      ['alert-run', false],
      ['live-run', true],
      ['micro-run', false],
      ['pipeline-run', false],
    ]);
    expect(listRuns(runsDir)).toHaveLength(4);
    const page = await fetch(dashboard.url);
    expect(await page.text()).toContain('<canvas id="chart-loss">');
    const chartJs = await fetch(`${dashboard.url}vendor/chart.umd.min.js`);
    expect(chartJs.headers.get('content-type')).toMatch(/javascript/);
    expect((await chartJs.text()).length).toBeGreaterThan(100_000);
  });

  it('returns the run store series exactly and refuses ids that leave the runs directory', async () => {
    const view = readRunView(runsDir, 'micro-run');
    const records = readRunStore(path.join(runsDir, 'micro-run'));
    expect(view.series.find((s) => s.phase === 'bitnet' && s.name === 'loss')?.points).toEqual(
      metricSeries(records, 'bitnet', 'loss'),
    );
    expect(view.phaseViews.map((p) => p.status)).toEqual(['done', 'done']);
    expect((await getJson(`${dashboard.url}api/runs/..%2F..%2Fetc`)).status).toBe(404);
    expect((await getJson(`${dashboard.url}api/runs/nope`)).status).toBe(404);
    expect(existsSync(path.join(runsDir, 'micro-run', PIPELINE_FILE))).toBe(true);
    expect(((await getJson(`${dashboard.url}api/runs/micro-run`)).body as { effects: unknown }).effects).toEqual(
      effects,
    );
  });
});

describe.skipIf(!haveChromium && !process.env.CI)('dashboard in chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1500 } });
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Browser-side code as strings: this package compiles without the DOM types.
  const CHART_DATA = `Object.fromEntries(Object.entries(window.forgeDashboard.charts).map(([key, chart]) => {
    const category = Object.values(chart.scales).find((s) => s.type === 'category');
    return [key, {
      labels: chart.data.labels,
      datasets: chart.data.datasets.map((d) => ({ label: d.label, data: d.data })),
      drawn: category ? category.ticks.map((t) => category.getLabelForValue(t.value)) : [],
      axes: Object.fromEntries(Object.entries(chart.options.scales).map(([id, s]) => [id, s.title?.text ?? ''])),
    }];
  }))`;
  const chartData = async (p: Page): Promise<Record<string, ChartData>> =>
    (await p.evaluate(CHART_DATA)) as Record<string, ChartData>;

  async function open(runId: string): Promise<Record<string, ChartData>> {
    await page.goto(`${dashboard.url}?run=${runId}`);
    await page.waitForFunction('window.forgeDashboard.updates > 0');
    return chartData(page);
  }

  it("draws the micro run: loss curves, timeline, sizes and latency carry the run's logged numbers", async () => {
    const charts = await open('micro-run');
    const records = readRunStore(path.join(runsDir, 'micro-run'));
    const phases = [
      'cognate:trunk',
      'cognate:reasoning',
      'cognate:memory-integration',
      'cognate:adaptive-computation',
      'bitnet',
    ];
    expect(charts.loss?.datasets.map((d) => d.label)).toEqual(phases);
    for (const [i, phase] of phases.entries()) {
      expect(charts.loss?.datasets[i]?.data).toEqual(metricSeries(records, phase, 'loss').map(([x, y]) => ({ x, y })));
    }
    expect(charts.loss?.datasets[4]?.data.length).toBe(4);
    const [cognate, bitnet] = micro.phases;
    const origin = Date.parse(cognate?.startedAt ?? '');
    const span = (p: typeof cognate) => [
      (Date.parse(p?.startedAt ?? '') - origin) / 1000,
      (Date.parse(p?.finishedAt ?? '') - origin) / 1000,
    ];
    expect(charts.timeline?.labels).toEqual(['cognate (done)', 'bitnet (done)']);
    expect(charts.timeline?.datasets[0]?.data).toEqual([span(cognate), span(bitnet)]);
    const bytes = (p: typeof cognate) => (p?.result?.models ?? []).reduce((a, m) => a + m.bytes, 0);
    const params = (p: typeof cognate) => (p?.result?.models ?? []).reduce((a, m) => a + m.params, 0);
    expect(charts.sizes?.datasets[0]?.data).toEqual([bytes(cognate) / 1e6, bytes(bitnet) / 1e6]);
    expect(charts.sizes?.datasets[1]?.data).toEqual([
      (bytes(cognate) * 8) / params(cognate),
      (bytes(bitnet) * 8) / params(bitnet),
    ]);
    const latencyLabels = charts.latency?.labels as string[];
    const reasoningMs = cognate?.result?.metrics['reasoning.msPerForward'];
    expect(reasoningMs).toBeGreaterThan(0);
    expect(charts.latency?.datasets[0]?.data[latencyLabels.indexOf('cognate reasoning.msPerForward')]).toBe(
      reasoningMs,
    );
    const painted = (await page.evaluate(`(() => {
      const canvas = document.getElementById('chart-loss');
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let opaque = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) opaque += 1;
      return { opaque, hidden: canvas.hidden };
    })()`)) as { opaque: number; hidden: boolean };
    expect(painted.hidden).toBe(false);
    expect(painted.opaque).toBeGreaterThan(1000);
    expect(await page.locator('#phase-table > tbody > tr').count()).toBe(2);
    if (process.env.FORGE_DASHBOARD_SCREENSHOT)
      await page.screenshot({ path: process.env.FORGE_DASHBOARD_SCREENSHOT, fullPage: true });
  });

  it('gives loss, learning rate and gradient norm a chart each, and metrics as table cells', async () => {
    const charts = await open('micro-run');
    const view = readRunView(runsDir, 'micro-run');
    const named = (name: string) =>
      view.series
        .filter((s) => s.name === name)
        .map((s) => ({ label: s.phase, data: s.points.map(([x, y]) => ({ x, y })) }));
    for (const [chart, name, unit] of [
      ['loss', 'loss', 'loss (nats/token)'],
      ['lr', 'lr', 'learning rate'],
      ['gradNorm', 'gradNorm', 'gradient norm (global L2)'],
    ] as const) {
      expect(named(name).length).toBeGreaterThan(0);
      expect(charts[chart]?.datasets).toEqual(named(name));
      expect(charts[chart]?.axes.y).toBe(unit);
    }
    expect(Object.keys(charts).filter((key) => key.startsWith('other:'))).not.toContain('other:lr');
    const rows = page.locator('#phase-table > tbody > tr');
    for (const [index, phase] of micro.phases.entries()) {
      const metrics = Object.entries(phase.result?.metrics ?? {});
      expect(metrics.length).toBeGreaterThan(0);
      const cells = await rows
        .nth(index)
        .locator('table.metric-table tr')
        .evaluateAll((trs) => trs.slice(1).map((tr) => [...tr.children].map((td) => td.textContent)));
      expect(cells.map(([name]) => name)).toEqual(metrics.map(([name]) => name));
      const msPerForward = cells.find(([name]) => name === 'reasoning.msPerForward');
      if (index === 0) expect(msPerForward?.[2]).toBe('ms');
    }
  });

  it('draws effects.json: one loss point per pipeline model in order, the control apart, accuracy per difficulty', async () => {
    const charts = await open('micro-run');
    const models = effects.rows.filter((r) => r.phase !== 'control');
    const control = effects.rows.find((r) => r.phase === 'control');
    expect(models.map((r) => r.phase)).toEqual(['cognate', 'cognate', 'cognate', 'bitnet']);
    expect(charts.effects?.labels).toEqual(models.map((r) => `${r.phase} ${r.role}`));
    expect(charts.effects?.datasets[0]?.data).toEqual(models.map((r) => r.effect.loss));
    expect(charts.effects?.datasets[1]?.data).toEqual(models.map(() => control?.effect.loss));
    expect(charts.effects?.datasets[1]?.label).toMatch(/^control/);
    const cells = await page
      .locator('#effects-table tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)));
    expect(cells[0]).toEqual([
      'phase',
      'model',
      'held-out loss (nats/token)',
      'd1 with calculator (1 problems)',
      'd1 without',
      'd2 with calculator (1 problems)',
      'd2 without',
    ]);
    const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
    expect(cells.slice(1).map((row) => row.slice(3))).toEqual(
      effects.rows.map((r) => r.effect.levels.flatMap((l) => [pct(l.withCalculator), pct(l.withoutCalculator)])),
    );
    expect(cells.at(-1)?.[0]).toBe('control');
  });

  it('labels every phase of a pipeline-long timeline and keeps Grokfast, latency and encode times apart', async () => {
    await page.setViewportSize({ width: 900, height: 1200 });
    const charts = await open('pipeline-run');
    await page.setViewportSize({ width: 1400, height: 1500 });
    const labels = PIPELINE_PHASES.map((name) => `${name} (done)`);
    expect(charts.timeline?.labels).toEqual(labels);
    expect(charts.timeline?.drawn).toEqual(labels);
    expect(charts.grokfast?.datasets.map((d) => d.label)).toEqual([
      'forge-train/grokfast loss',
      'forge-train/baseline loss',
    ]);
    expect(charts.grokfast?.datasets[0]?.data).toEqual([1, 2, 3].map((x) => ({ x, y: 3 - x / 4 })));
    expect(charts.latency?.labels).toEqual(['edge timeToFirstTokenMs', 'edge msPerTokenP50', 'edge fullForwardMs']);
    expect(charts.latency?.datasets[0]?.data).toEqual([8.5, 2.25, 4.75]);
    expect(charts.encode?.labels).toEqual(['compression method.int8.encodeMs']);
    expect(charts.encode?.datasets[0]?.data).toEqual([31.5]);
    expect(charts.lr?.datasets.map((d) => d.label)).toEqual(['forge-train/grokfast', 'forge-train/baseline']);
  });

  it('follows a live run: new generations appear on the evolution chart without a reload', async () => {
    const charts = await open('live-run');
    expect(await page.locator('#live').isVisible()).toBe(true);
    expect(charts.evolution?.datasets.map((d) => d.label)).toEqual([
      'evomerge bestFitness',
      'evomerge meanFitness',
      'evomerge diversity',
    ]);
    expect(charts.evolution?.datasets[0]?.data).toEqual([
      { x: 0, y: 1.5 },
      { x: 1, y: 1.75 },
    ]);
    expect(charts.evolution?.datasets[2]?.data).toEqual([
      { x: 0, y: 0.75 },
      { x: 1, y: 0.5 },
    ]);
    live.logMore({ bestFitness: 2.25, meanFitness: 1.875, diversity: 0.375 });
    await page.waitForFunction('window.forgeDashboard.charts.evolution.data.datasets[0].data.length === 3', undefined, {
      timeout: 0,
    });
    const updated = await chartData(page);
    expect(updated.evolution?.datasets[0]?.data.at(-1)).toEqual({ x: 2, y: 2.25 });
    expect(updated.evolution?.datasets[2]?.data.at(-1)).toEqual({ x: 2, y: 0.375 });
    expect(updated.grokfast?.datasets).toEqual([]);
    expect(await page.locator('#chart-grokfast + .empty').isVisible()).toBe(true);
  });

  it('lists the alerts logged in the run store, and none for a run without a drop', async () => {
    expect(alertMessages).toEqual([
      'accuracy dropped 50.0% from cognate (0.5000) to bitnet (0.2500), more than the allowed 20%',
    ]);
    await open('alert-run');
    expect(await page.locator('#alerts').isVisible()).toBe(true);
    expect(await page.locator('#alert-list li').allTextContents()).toEqual(alertMessages);
    await open('micro-run');
    expect(await page.locator('#alerts').isVisible()).toBe(false);
  });
});
