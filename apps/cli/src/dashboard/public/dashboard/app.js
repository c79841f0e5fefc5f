/* global window, document, Chart, ForgeCharts */
// The dashboard page: lists runs, draws the selected run with Chart.js, and polls while it is live.
(function () {
  'use strict';
  const POLL_MS = 2000;
  const CHARTS = [
    'timeline',
    'loss',
    'lr',
    'gradNorm',
    'evolution',
    'grokfast',
    'sizes',
    'latency',
    'encode',
    'effects',
  ];
  const state = { runId: new URLSearchParams(window.location.search).get('run'), charts: {}, updates: 0, timer: null };
  window.forgeDashboard = state;

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs, text) => {
    const node = document.createElement(tag);
    Object.assign(node, attrs || {});
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const getJson = async (url) => {
    const res = await fetch(url, { cache: 'no-store' });
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
    return res.json();
  };
  const fmt = (v) =>
    Math.abs(v) >= 1000 || Number.isInteger(v) ? String(Math.round(v * 1000) / 1000) : v.toPrecision(4);

  /** Create a chart the first time; afterwards swap its data in place so polling does not flicker. */
  function draw(key, canvas, config) {
    const empty = config.data.datasets.every((d) => d.data.length === 0);
    // Chart.js sets the canvas's inline display, so emptiness is a class on the card, not `hidden`.
    const card = canvas.closest('.card');
    card.classList.toggle('is-empty', empty);
    const note = card.querySelector('.empty');
    if (note) note.hidden = !empty;
    const chart = state.charts[key];
    if (chart) {
      chart.data = config.data;
      chart.update('none');
    } else {
      state.charts[key] = new Chart(canvas, config);
    }
  }

  function renderOthers(run) {
    const box = $('other-charts');
    for (const { name, config } of ForgeCharts.others(run)) {
      const key = `other:${name}`;
      let canvas = document.getElementById(`chart-${key}`);
      if (!canvas) {
        const card = el('div', { className: 'card' });
        card.append(el('h3', {}, name), (canvas = el('canvas', { id: `chart-${key}` })));
        box.append(card);
      }
      draw(key, canvas, config);
    }
  }

  /** A small table per phase: metric, value, unit (where the name says it). */
  function metricsCell(metrics) {
    const cell = el('td', { className: 'metrics' });
    const entries = Object.entries(metrics);
    if (entries.length === 0) return cell;
    const table = el('table', { className: 'metric-table' });
    const head = el('tr');
    head.append(el('th', {}, 'metric'), el('th', {}, 'value'), el('th', {}, 'unit'));
    table.append(head);
    for (const [key, value] of entries) {
      const row = el('tr');
      row.append(
        el('td', {}, key),
        el('td', { className: 'num' }, fmt(value)),
        el('td', {}, ForgeCharts.metricUnit(key)),
      );
      table.append(row);
    }
    cell.append(table);
    return cell;
  }

  const percent = (v) => `${(100 * v).toFixed(1)}%`;

  /** Accuracy per difficulty of every measured model, with / without the calculator, from effects.json. */
  function renderEffectsTable(run) {
    const box = $('effects-table');
    box.hidden = !run.effects;
    if (!run.effects) return;
    const levels = run.effects.rows[0] ? run.effects.rows[0].effect.levels.map((l) => l.difficulty) : [];
    const head = el('tr');
    head.append(el('th', {}, 'phase'), el('th', {}, 'model'), el('th', {}, 'held-out loss (nats/token)'));
    for (const d of levels) {
      const problems = run.effects.heldOut.problems[`d${d}`];
      head.append(el('th', {}, `d${d} with calculator (${problems} problems)`), el('th', {}, `d${d} without`));
    }
    const rows = run.effects.rows.map((r) => {
      const row = el('tr', { className: r.phase === 'control' ? 'control' : '' });
      row.append(el('td', {}, r.phase), el('td', {}, r.role), el('td', { className: 'num' }, fmt(r.effect.loss)));
      for (const level of r.effect.levels)
        row.append(
          el('td', { className: 'num' }, percent(level.withCalculator)),
          el('td', { className: 'num' }, percent(level.withoutCalculator)),
        );
      return row;
    });
    box.querySelector('table').replaceChildren(head, ...rows);
  }

  function renderTable(run) {
    const body = $('phase-table').querySelector('tbody');
    body.replaceChildren(
      ...run.phaseViews.map((p) => {
        const row = el('tr');
        const models = p.models
          .map((m) => `${m.role}: ${m.params.toLocaleString()} params, ${(m.bytes / 1e6).toFixed(3)} MB`)
          .join('\n');
        row.append(
          el('td', {}, p.name),
          el('td', { className: `status-${p.status}` }, p.status + (p.error ? `: ${p.error}` : '')),
          el('td', {}, p.durationMs === undefined ? '' : `${(p.durationMs / 1000).toFixed(1)} s`),
          el('td', { style: 'white-space: pre-line' }, models),
          metricsCell(p.metrics),
        );
        return row;
      }),
    );
  }

  function renderRun(run) {
    $('run-title').textContent = run.runId;
    $('run-meta').textContent =
      `preset ${run.preset}, seed ${run.seed}, updated ${new Date(run.updatedAt).toLocaleString()}`;
    $('live').hidden = !run.live;
    $('alerts').hidden = run.alerts.length === 0;
    $('alert-list').replaceChildren(...run.alerts.map((a) => el('li', {}, a.message)));
    // 28 px per phase: every label fits, so none is skipped.
    $('timeline-box').style.height = `${60 + 28 * run.phaseViews.length}px`;
    for (const key of CHARTS) draw(key, $(`chart-${key}`), ForgeCharts[key](run));
    renderOthers(run);
    renderTable(run);
    renderEffectsTable(run);
    state.run = run;
    state.updates += 1;
  }

  /** The queue panel, for a run whose units went to a queue: the same counts as `forge info --queue`. */
  function renderQueue(panel) {
    state.queue = panel;
    $('queue').hidden = panel === null;
    if (panel === null) return;
    $('queue-url').textContent = panel.url;
    $('queue-error').hidden = panel.error === undefined;
    $('queue-error').textContent = panel.error || '';
    const status = panel.status;
    const rows = status
      ? [
          ['workers connected', status.workers],
          ['units waiting', status.waiting],
          ['units running', status.active],
          ['units failed', status.failed],
          ['units completed (last hour)', status.completed],
        ]
      : [];
    $('queue-table').tBodies[0].replaceChildren(
      ...rows.map(([label, count]) => {
        const row = el('tr');
        row.append(el('td', {}, label), el('td', {}, String(count)));
        return row;
      }),
    );
  }

  async function refresh() {
    clearTimeout(state.timer);
    const runs = await getJson('/api/runs');
    renderRunList(runs);
    if (!state.runId && runs.length) state.runId = runs[0].runId;
    if (state.runId) {
      const id = encodeURIComponent(state.runId);
      renderRun(await getJson(`/api/runs/${id}`));
      renderQueue(await getJson(`/api/runs/${id}/queue`));
    }
    const live = runs.some((r) => r.runId === state.runId && r.live);
    state.timer = setTimeout(() => refresh().catch(showError), live ? POLL_MS : POLL_MS * 3);
  }

  function renderRunList(runs) {
    $('run-list').replaceChildren(
      ...runs.map((r) => {
        const item = el('li', { className: r.runId === state.runId ? 'selected' : '' }, r.runId + (r.live ? ' ●' : ''));
        item.append(el('span', { className: 'phases' }, r.phases.map((p) => `${p.name}:${p.status}`).join(' ')));
        item.onclick = () => {
          state.runId = r.runId;
          for (const chart of Object.values(state.charts)) chart.destroy();
          state.charts = {};
          $('other-charts').replaceChildren();
          refresh().catch(showError);
        };
        return item;
      }),
    );
    if (runs.length === 0) $('run-list').append(el('li', {}, 'no runs yet'));
  }

  function showError(error) {
    state.error = String(error);
    $('run-meta').textContent = `error: ${error}`;
    state.timer = setTimeout(() => refresh().catch(showError), POLL_MS * 3);
  }

  refresh().catch(showError);
})();
