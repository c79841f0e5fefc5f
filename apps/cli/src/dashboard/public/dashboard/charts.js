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
  const isGrokfast = (s) => /grokfast|baseline/i.test(`${s.phase}/${s.name}`);
  const isLatencyKey = (key) => /(^|\.)ms[A-Z]|Ms$/.test(key);

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

  function loss(run) {
    const datasets = run.series
      .filter((s) => s.name === 'loss' && !isGrokfast(s))
      .map((s, i) => ({
        label: s.phase,
        data: points(s),
        borderColor: color(i),
        backgroundColor: color(i),
        borderWidth: 1.5,
      }));
    return lineConfig(datasets, 'step');
  }

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

  function grokfast(run) {
    const datasets = run.series.filter(isGrokfast).map((s, i) => ({
      label: `${s.phase} ${s.name}`,
      data: points(s),
      borderColor: color(i),
      backgroundColor: color(i),
      borderWidth: 1.5,
    }));
    return lineConfig(datasets, 'step');
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
        scales: { x: { title: { display: true, text: 'seconds' } } },
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

  function latency(run) {
    const rows = run.phaseViews.flatMap((p) =>
      Object.entries(p.metrics)
        .filter(([k]) => isLatencyKey(k))
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
      },
    };
  }

  /** Multi-step series not drawn above, one chart per metric name with a line per phase. */
  function others(run) {
    const rest = run.series.filter(
      (s) => s.name !== 'loss' && !isEvolution(s) && !isGrokfast(s) && s.points.length > 1,
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
      ),
    }));
  }

  window.ForgeCharts = { loss, evolution, grokfast, timeline, sizes, sizeRows, latency, others };
})();
