#!/usr/bin/env node
/**
 * Grokfast reproduction on the paper's modular-arithmetic task: baseline vs Grokfast-MA vs
 * Grokfast-EMA, steps until validation accuracy ≥ 95%. Prints a markdown section.
 *
 *   node bench/grokfast-repro.mjs [--operation add|multiply] [--seeds 0,1,2] [--max-steps 3000]
 *        [--eval-every 25] [--d-model 128] [--batch 512] [--weight-decay 1] [--arms baseline,ma,ema]
 *        [--jsonl runs.jsonl]   (each finished run is appended there; --table-only re-prints from it)
 *
 * Backend: FORGE_BACKEND (default wasm, 1 thread: the dev machine is shared).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { initBackend } from '@agent-forge/core';
import { GrokfastDemoOptionsSchema, grokfastTable, runGrokfastArm } from '@agent-forge/forge-train';

const { values } = parseArgs({
  options: {
    operation: { type: 'string', default: 'multiply' },
    seeds: { type: 'string', default: '0,1,2' },
    'max-steps': { type: 'string', default: '3000' },
    'eval-every': { type: 'string', default: '25' },
    'd-model': { type: 'string', default: '128' },
    batch: { type: 'string', default: '512' },
    'weight-decay': { type: 'string', default: '1' },
    modulus: { type: 'string', default: '97' },
    arms: { type: 'string', default: 'baseline,ma,ema' },
    jsonl: { type: 'string' },
    'table-only': { type: 'boolean', default: false },
  },
});
const defaults = GrokfastDemoOptionsSchema.parse({});
const wanted = values.arms.split(',');
const options = GrokfastDemoOptionsSchema.parse({
  operation: values.operation,
  modulus: Number(values.modulus),
  seeds: values.seeds.split(',').map(Number),
  maxSteps: Number(values['max-steps']),
  evalEvery: Number(values['eval-every']),
  dModel: Number(values['d-model']),
  batchSize: Number(values.batch),
  weightDecay: Number(values['weight-decay']),
  arms: wanted.map((name) => defaults.arms.find((arm) => (arm.filter ?? 'baseline') === name)).filter(Boolean),
});

const done =
  values.jsonl && existsSync(values.jsonl)
    ? readFileSync(values.jsonl, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
const runs = [...done];
if (!values['table-only']) {
  const backend = await initBackend({ prefer: process.env.FORGE_BACKEND || 'wasm', threads: 1 });
  console.error(`backend ${backend.choice}, ${backend.threads} thread(s)`);
  for (const seed of options.seeds) {
    for (const arm of options.arms) {
      if (runs.some((run) => run.arm === arm.label && run.seed === seed)) continue;
      const run = runGrokfastArm(arm, seed, options, (event) =>
        console.error(
          `${event.arm} seed ${event.seed} step ${event.step}: val ${(event.validationAccuracy * 100).toFixed(1)}%`,
        ),
      );
      console.error(JSON.stringify(run));
      runs.push(run);
      if (values.jsonl) appendFileSync(values.jsonl, `${JSON.stringify(run)}\n`);
    }
  }
}
console.log(
  `## Grokfast reproduction (forge-train)\n\n${grokfastTable(
    options,
    runs.filter((run) => options.seeds.includes(run.seed)),
  )}\n\nCommand: \`node bench/grokfast-repro.mjs ${process.argv.slice(2).join(' ')}\``,
);
