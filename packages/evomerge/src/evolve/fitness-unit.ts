/**
 * A fitness evaluation as a work unit (`evomerge.fitness`): one genome, merged and measured on the
 * phase's fixed evaluation data, which the phase writes once to the run directory. The unit loads the
 * sources and that data itself (kept loaded between units of the same phase run, so a worker loads them
 * once), so the evaluation runs the same in the phase's process or on a `forge worker`.
 */
import path from 'node:path';
import {
  parseConfig,
  readJsonFile,
  relativeToRun,
  resolveInRun,
  runUnits,
  unitKinds,
  writeJsonAtomic,
} from '@agent-forge/core';
import type { PhaseContext, UnitContext, WorkUnit } from '@agent-forge/core';
import { z } from 'zod';
import { loadSources } from '../phase-steps.js';
import { MergeEvaluator, type EvalData, type Evaluation } from './evaluator.js';
import { MeasuresSchema } from './fitness.js';
import { GenomeSchema, genomeHash, type Genome } from './genome.js';
import type { GenomeEvaluator } from './search.js';

/** Name of the unit kind that merges and measures one genome. */
export const FITNESS_UNIT = 'evomerge.fitness';

const FitnessArgsSchema = z
  .object({
    /** Source checkpoint directories, relative to the run, in source order. */
    sources: z.array(z.string().min(1)).min(1),
    /** The evaluation data file (see `writeEvalData`), relative to the run. */
    data: z.string().min(1),
    genome: GenomeSchema,
  })
  .strict();

const rowsSchema = { tokens: z.array(z.number().int()), rows: z.number().int(), cols: z.number().int() };
const EvalDataFileSchema = z.object({
  windows: z.object(rowsSchema),
  probes: z.object({ ...rowsSchema, spans: z.array(z.tuple([z.number().int(), z.number().int()])) }),
});

/** Writes the phase's evaluation data as JSON, for fitness units to read. */
export async function writeEvalData(file: string, data: EvalData): Promise<void> {
  await writeJsonAtomic(file, {
    windows: { ...data.windows, tokens: Array.from(data.windows.tokens) },
    probes: { ...data.probes, tokens: Array.from(data.probes.tokens) },
  });
}

async function readEvalData(file: string): Promise<EvalData> {
  const raw = parseConfig(EvalDataFileSchema, await readJsonFile(file), { file });
  return {
    windows: { ...raw.windows, tokens: Int32Array.from(raw.windows.tokens) },
    probes: { ...raw.probes, tokens: Int32Array.from(raw.probes.tokens) },
  };
}

// One evaluator per process, for the sources and data of the units it last ran.
let loaded: { key: string; evaluator: MergeEvaluator } | undefined;

/** Frees the evaluator fitness units keep loaded in this process (the phase calls it when its search ends). */
export function releaseFitnessUnits(): void {
  loaded?.evaluator.dispose();
  loaded = undefined;
}

async function evaluatorFor(args: z.output<typeof FitnessArgsSchema>, runDir: string): Promise<MergeEvaluator> {
  const dirs = args.sources.map((dir) => resolveInRun(runDir, dir));
  const dataFile = resolveInRun(runDir, args.data);
  const key = JSON.stringify([dirs, dataFile]);
  if (loaded?.key !== key) {
    releaseFitnessUnits();
    const sources = await loadSources(
      dirs.map((dir, index) => ({ dir, role: `source ${index}`, params: 0, bytes: 0 })),
    );
    loaded = { key, evaluator: new MergeEvaluator(sources, await readEvalData(dataFile)) };
  }
  return loaded.evaluator;
}

async function runFitnessUnit(unit: WorkUnit, ctx: UnitContext): Promise<Evaluation> {
  const args = parseConfig(FitnessArgsSchema, unit.args, { prefix: `unit ${unit.id}` });
  return (await evaluatorFor(args, ctx.runDir)).evaluate(args.genome);
}

const EvaluationSchema = z.object({ measures: MeasuresSchema, fingerprint: z.array(z.number()) });

/** Where the phase's fitness units find their inputs and leave their outputs. */
export interface FitnessUnitFiles {
  /** Source checkpoint directories, in source order. */
  readonly sources: readonly string[];
  /** The evaluation data file written by `writeEvalData`. */
  readonly data: string;
  /** Directory of the units' output files (one per genome hash). */
  readonly outputs: string;
}

/**
 * `evaluator` with `evaluateAll`: the cache misses of a generation as fitness units, run by the phase
 * context's executor (here, or `forge worker`s); finished ones are read back on a resume.
 */
export function unitEvaluator(evaluator: MergeEvaluator, ctx: PhaseContext, files: FitnessUnitFiles): GenomeEvaluator {
  const inRun = (file: string): string => relativeToRun(ctx.runDir, file);
  const unitOf = (genome: Genome): WorkUnit => {
    const hash = genomeHash(genome);
    return {
      kind: FITNESS_UNIT,
      id: `evomerge/${hash}`,
      seed: ctx.seed,
      args: { sources: files.sources.map(inRun), data: inRun(files.data), genome },
      inputs: [...files.sources.map(inRun), inRun(files.data)],
      output: inRun(path.join(files.outputs, `${hash}.json`)),
    };
  };
  return {
    sourceCount: evaluator.sourceCount,
    evaluate: (genome) => evaluator.evaluate(genome),
    evaluateAll: (genomes) =>
      runUnits(ctx, genomes.map(unitOf), {
        label: 'fitness evaluations',
        parse: (result, unit) => parseConfig(EvaluationSchema, result, { prefix: `unit ${unit.id}.result` }),
      }),
  };
}

unitKinds.register({
  name: FITNESS_UNIT,
  displayName: 'Evolutionary model merge: fitness of one genome',
  referenceUrl: 'https://arxiv.org/abs/2403.13187',
  run: runFitnessUnit,
});
