/* global window */
// Chart.js configurations built from a run view (GET /api/runs/<id>). Pure functions: data in,
// config out, so every number on the page is one the API returned.
(function () {
  'use strict';
  const PALETTE = ['#1967d2', '#d93025', '#1f9d55', '#f29900', '#9334e6', '#12a4af', '#e52592', '#5f6368'];
  const STATUS_COLORS = {
    done: '#1f9d55',
    running: '#1967d2',
    failed: '#d93025',
    interrupted: '#f29900',
    pending: '#c0c6d0',
  };
  const color = (i) => PALETTE[i % PALETTE.length];
  const points = (series) => series.points.map(([x, y]) => ({ x, y }));

  const isEvolution = (s) => s.phase.startsWith('evomerge') && /fitness|diversity/i.test(s.name);
  /** forge-train's two runs log under `forge-train/grokfast` and `forge-train/baseline`: the phase's last segment. */
  const isGrokfastRun = (s) => /(^|[/:.])(grokfast|baseline)$/i.test(s.phase);
  const isGrokfast = (s) => isGrokfastRun(s) && /^(loss|accuracy)$/i.test(s.name);
  const lastSegment = (key) => key.slice(key.lastIndexOf('.') + 1);
  /** Per-token, first-token and forward-pass timings (edge, cognate) and baking's prompted/baked latencies. */
  const isLatencyKey = (key) =>
    /^(float)?(msPerToken|msPerForward|timeToFirstToken|fullForward)|^latency\w*Ms$/i.test(lastSegment(key));
  const isEncodeKey = (key) => /encodeMs$/i.test(lastSegment(key));
  /** Series with a chart of their own unit; `others` draws the rest, one chart per name. */
  const UNIT_CHARTS = { loss: 'loss (nats/token)', lr: 'learning rate', gradNorm: 'gradient norm (global L2)' };

  function lineConfig(datasets, xTitle, extraScales) {
    return {
      type: 'line',
      data: { datasets },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        maintainAspectRatio: false,
        elements: { point: { radius: 0 } },
        interaction: { mode: 'nearest', intersect: false },
        scales: { x: { type: 'linear', title: { display: true, text: xTitle } }, ...extraScales },
      },
    };
  }

  const yTitle = (text) => ({ title: { display: true, text } });

  /** Every phase's series called `name` (forge-train's Grokfast runs apart for loss), on an axis of that unit. */
  function seriesChart(run, name) {
    const datasets = run.series
      .filter((s) => s.name === name && !(name === 'loss' && isGrokfastRun(s)))
      .map((s, i) => ({
        label: s.phase,
        data: points(s),
        borderColor: color(i),
        backgroundColor: color(i),
        borderWidth: 1.5,
      }));
    return lineConfig(datasets, 'step', { y: yTitle(UNIT_CHARTS[name]) });
  }

  const loss = (run) => seriesChart(run, 'loss');
  const lr = (run) => seriesChart(run, 'lr');
  const gradNorm = (run) => seriesChart(run, 'gradNorm');

  function evolution(run) {
    const datasets = run.series.filter(isEvolution).map((s, i) => ({
      label: `${s.phase} ${s.name}`,
      data: points(s),
      borderColor: color(i),
      backgroundColor: color(i),
      yAxisID: /diversity/i.test(s.name) ? 'y1' : 'y',
      borderWidth: 1.5,
      pointRadius: 2,
    }));
    return lineConfig(datasets, 'generation', {
      y: { title: { display: true, text: 'fitness' } },
      y1: { position: 'right', title: { display: true, text: 'diversity' }, grid: { drawOnChartArea: false } },
    });
  }

  /** Held-out loss of both runs on the left axis; accuracy, when logged, on its own axis on the right. */
  function grokfast(run) {
    const datasets = run.series.filter(isGrokfast).map((s, i) => ({
      label: `${s.phase} ${s.name}`,
      data: points(s),
      borderColor: color(i),
      backgroundColor: color(i),
      yAxisID: /accuracy/i.test(s.name) ? 'y1' : 'y',
      borderWidth: 1.5,
    }));
    const scales = { y: yTitle(UNIT_CHARTS.loss) };
    if (datasets.some((d) => d.yAxisID === 'y1'))
      scales.y1 = { position: 'right', grid: { drawOnChartArea: false }, ...yTitle('accuracy (fraction)') };
    return lineConfig(datasets, 'step', scales);
  }

  function timeline(run) {
    const started = run.phaseViews.filter((p) => p.startedAt).map((p) => Date.parse(p.startedAt));
    const origin = started.length ? Math.min(...started) : 0;
    const now = Date.now();
    const span = (p) => {
      if (!p.startedAt) return null;
      const end = p.finishedAt ? Date.parse(p.finishedAt) : p.status === 'running' ? now : Date.parse(run.updatedAt);
      return [(Date.parse(p.startedAt) - origin) / 1000, (end - origin) / 1000];
    };
    return {
      type: 'bar',
      data: {
        labels: run.phaseViews.map((p) => `${p.name} (${p.status})`),
        datasets: [
          {
            label: 'phase',
            data: run.phaseViews.map(span),
            backgroundColor: run.phaseViews.map((p) => STATUS_COLORS[p.status] || '#999'),
            borderSkipped: false,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        // Every phase gets its label: the card grows with the phase count (app.js) instead of skipping.
        scales: { x: yTitle('seconds'), y: { ticks: { autoSkip: false } } },
      },
    };
  }

  /** Bytes of the phase's checkpoints; bits/weight as the phase reports it, else checkpoint bits over parameters. */
  function sizeRows(run) {
    return run.phaseViews
      .filter((p) => p.models.length > 0)
      .map((p) => {
        const bytes = p.models.reduce((a, m) => a + m.bytes, 0);
        const params = p.models.reduce((a, m) => a + m.params, 0);
        const reported = Object.keys(p.metrics).find((k) => /bitsPerWeight$/i.test(k));
        return {
          phase: p.name,
          megabytes: bytes / 1e6,
          bitsPerWeight: reported ? p.metrics[reported] : params > 0 ? (bytes * 8) / params : null,
          reported: Boolean(reported),
        };
      });
  }

  function sizes(run) {
    const rows = sizeRows(run);
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.phase),
        datasets: [
          { label: 'MB on disk', data: rows.map((r) => r.megabytes), backgroundColor: color(0), yAxisID: 'y' },
          {
            label: 'bits/weight (as reported; else checkpoint dir bits / params, tokenizer included)',
            data: rows.map((r) => r.bitsPerWeight),
            backgroundColor: rows.map((r) => (r.reported ? color(3) : '#f6c26b')),
            yAxisID: 'y1',
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: { title: { display: true, text: 'MB' } },
          y1: { position: 'right', title: { display: true, text: 'bits/weight' }, grid: { drawOnChartArea: false } },
        },
      },
    };
  }

  /** One horizontal bar per (phase, metric) of the result metrics `keep` selects, in milliseconds. */
  function msBars(run, keep) {
    const rows = run.phaseViews.flatMap((p) =>
      Object.entries(p.metrics)
        .filter(([k]) => keep(k))
        .map(([k, v]) => ({ label: `${p.name} ${k}`, value: v })),
    );
    return {
      type: 'bar',
      data: {
        labels: rows.map((r) => r.label),
        datasets: [{ label: 'ms', data: rows.map((r) => r.value), backgroundColor: color(4) }],
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: yTitle('ms'), y: { ticks: { autoSkip: false } } },
      },
    };
  }

  const latency = (run) => msBars(run, isLatencyKey);
  const encode = (run) => msBars(run, isEncodeKey);

  /** Multi-step series not drawn above, one chart per metric name with a line per phase. */
  function others(run) {
    const rest = run.series.filter(
      (s) => !(s.name in UNIT_CHARTS) && !isEvolution(s) && !isGrokfastRun(s) && s.points.length > 1,
    );
    const names = [...new Set(rest.map((s) => s.name))].sort();
    return names.map((name) => ({
      name,
      config: lineConfig(
        rest
          .filter((s) => s.name === name)
          .map((s, i) => ({
            label: s.phase,
            data: points(s),
            borderColor: color(i),
            backgroundColor: color(i),
            borderWidth: 1.5,
          })),
        'step',
        { y: yTitle(name) },
      ),
    }));
  }

  /** Unit of a result metric from its name, where the name says it; '' where it does not. */
  function metricUnit(key) {
    const name = lastSegment(key);
    const rules = [
      [/Ms$|^ms[A-Z]|MsPer/, 'ms'],
      [/Mb$/, 'MB'],
      [/bitsPerWeight$/i, 'bits/weight'],
      [/bytes/i, 'bytes'],
      [/Pct$/, '%'],
      [/PerSecond$/, 'per second'],
      [/^params$|weights$/i, 'parameters'],
      [/loss/i, 'nats/token'],
      [/^kl/i, 'nats'],
    ];
    const hit = rules.find(([pattern]) => pattern.test(name));
    return hit ? hit[1] : '';
  }

  /** The effects chart: held-out loss of every pipeline model in order; the control as a dashed line apart. */
  function effects(run) {
    const rows = run.effects ? run.effects.rows : [];
    const models = rows.filter((r) => r.phase !== 'control');
    const control = rows.find((r) => r.phase === 'control');
    const datasets = [
      {
        label: 'pipeline models',
        data: models.map((r) => r.effect.loss),
        borderColor: color(0),
        backgroundColor: color(0),
        pointRadius: 4,
      },
    ];
    if (control)
      datasets.push({
        label: `control (${control.role}, equal compute)`,
        data: models.map(() => control.effect.loss),
        borderColor: color(1),
        backgroundColor: color(1),
        borderDash: [6, 4],
        pointRadius: 0,
      });
    return {
      type: 'line',
      data: { labels: models.map((r) => `${r.phase} ${r.role}`), datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: { x: { ticks: { autoSkip: false } }, y: yTitle('held-out loss (nats/token)') },
      },
    };
  }

  window.ForgeCharts = {
    loss,
    lr,
    gradNorm,
    evolution,
    grokfast,
    timeline,
    sizes,
    sizeRows,
    latency,
    encode,
    effects,
    others,
    metricUnit,
  };
})();
