#!/usr/bin/env node
/**
 * Grokfast reproduction at the reference's own setting (ironjr/grokfast main.py + its README commands):
 * x·y mod 97, half the table for training, 2-layer width-128 4-head decoder, Adam lr 1e-3 betas
 * (0.9, 0.98) with coupled L2 weight decay 0 (baseline) / 0.01 (MA) / 0.005 (EMA), 10-update warm-up
 * from lr 0, batch 512, validation once per epoch. Steps until validation accuracy ≥ 95 %.
 *
 *   node bench/grokfast-repro.mjs --out DIR [--arms baseline,ma,ema] [--seeds 0,1,2] [--max-steps 300000]
 *        [--resume] [--save-every 500] [--table-only] [--svg FILE]
 *
 * DIR/runs-<arms>-<seeds>.jsonl  one line per finished run (with its curve); one file per command line, so
 *                    several commands (e.g. one per arm, in parallel) can share DIR; the table reads them all
 * DIR/curves/*.jsonl one line per epoch per run, appended as the run goes
 * DIR/state/*        with --resume: each run's saved state (atomic, every --save-every steps); rerunning
 *                    the same command continues from there
 * --table-only prints the table (and writes --svg) from DIR without training; runs still going count with
 * the steps in their curve files. Backend: FORGE_BACKEND (default wasm), 1 thread (the machine is shared).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initBackend, writeFileAtomic } from '@agent-forge/core';
import {
  PAPER_ARMS,
  grokfastCurvesSvg,
  grokfastTable,
  parseGrokfastDemoOptions,
  runGrokfastArm,
} from '@agent-forge/forge-train';

const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    arms: { type: 'string', default: 'baseline,ma,ema' },
    seeds: { type: 'string', default: '0,1,2' },
    'max-steps': { type: 'string', default: '300000' },
    resume: { type: 'boolean', default: false },
    'save-every': { type: 'string', default: '500' },
    'table-only': { type: 'boolean', default: false },
    svg: { type: 'string' },
  },
});
if (!values.out) throw new Error('--out DIR is required (runs.jsonl, curves/ and state/ go there)');
const armNames = values.arms.split(',');
const arms = armNames.map((name) => {
  const arm = PAPER_ARMS.find((candidate) => (candidate.filter ?? 'baseline') === name);
  if (!arm) throw new Error(`--arms: unknown arm '${name}' (baseline, ma, ema)`);
  return arm;
});
const options = parseGrokfastDemoOptions({
  seeds: values.seeds.split(',').map(Number),
  maxSteps: Number(values['max-steps']),
  arms,
});
const out = path.resolve(values.out);
const slug = (arm, seed) => `${arm.filter ?? 'baseline'}-seed${seed}`;
mkdirSync(path.join(out, 'curves'), { recursive: true });
const runsFile = path.join(out, `runs-${values.arms.replaceAll(',', '+')}-${values.seeds.replaceAll(',', '+')}.jsonl`);
const readLines = (file) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line))
    : [];
const finished = readdirSync(out)
  .filter((name) => name.startsWith('runs') && name.endsWith('.jsonl'))
  .flatMap((name) => readLines(path.join(out, name)));
const isDone = (arm, seed) => finished.some((run) => run.arm === arm.label && run.seed === seed);

if (!values['table-only']) {
  const backend = await initBackend({ prefer: process.env.FORGE_BACKEND || 'wasm', threads: 1 });
  console.error(`backend ${backend.choice}, ${backend.threads} thread(s)`);
  for (const seed of options.seeds) {
    for (const arm of options.arms) {
      if (isDone(arm, seed)) continue;
      const curveFile = path.join(out, 'curves', `${slug(arm, seed)}.jsonl`);
      const stateDir = values.resume ? path.join(out, 'state', slug(arm, seed)) : undefined;
      if (!values.resume && existsSync(curveFile)) throw new Error(`${curveFile} exists: pass --resume or remove it`);
      const logged = new Set(readLines(curveFile).map((point) => point.step));
      const run = await runGrokfastArm(arm, seed, options, {
        stateDir,
        saveEvery: Number(values['save-every']),
        onEval: (event) => {
          if (!logged.has(event.step)) appendFileSync(curveFile, `${JSON.stringify(event)}\n`);
          if (event.step % 100 === 0 || event.validationAccuracy >= options.targetAccuracy)
            console.error(
              `${slug(arm, seed)} step ${event.step}: train ${(event.trainAccuracy * 100).toFixed(1)}% val ${(event.validationAccuracy * 100).toFixed(1)}%`,
            );
        },
      });
      console.error(`${slug(arm, seed)}: ${run.stepsToTarget ?? `not within ${run.stepsRun}`} steps`);
      appendFileSync(runsFile, `${JSON.stringify(run)}\n`);
      finished.push(run);
    }
  }
}

/** A run still going (or stopped before its end), read from its curve file: its steps so far are a lower bound. */
function partialRun(arm, seed) {
  const curve = readLines(path.join(out, 'curves', `${slug(arm, seed)}.jsonl`)).map(
    ({ step, trainAccuracy, trainLoss, validationAccuracy, validationLoss }) => ({
      step,
      trainAccuracy,
      trainLoss,
      validationAccuracy,
      validationLoss,
    }),
  );
  if (curve.length === 0) return undefined;
  const last = curve.at(-1);
  const reached = curve.find((point) => point.validationAccuracy >= options.targetAccuracy);
  return {
    arm: arm.label,
    seed,
    stepsToTarget: reached?.step,
    stepsRun: last.step,
    finalValidationAccuracy: last.validationAccuracy,
    complete: false,
    curve,
  };
}

const runs = options.seeds.flatMap((seed) =>
  options.arms.flatMap((arm) => {
    const run =
      finished.find((candidate) => candidate.arm === arm.label && candidate.seed === seed) ?? partialRun(arm, seed);
    return run ? [run] : [];
  }),
);
if (values.svg) {
  await writeFileAtomic(
    values.svg,
    grokfastCurvesSvg(
      runs,
      options.arms.map((arm) => arm.label),
      options.targetAccuracy,
    ),
  );
  console.error(`wrote ${values.svg}`);
}
console.log(
  `${grokfastTable(options, runs)}\n\nCommand: \`node packages/forge-train/bench/grokfast-repro.mjs ${process.argv.slice(2).join(' ')}\``,
);
