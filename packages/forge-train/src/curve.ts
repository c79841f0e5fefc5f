/**
 * Training in chunks of `evalEvery` steps through core's `train()` (each chunk resumes from the
 * run's state dir), measuring held-out loss between chunks. The curve is saved beside the state so
 * an interrupted run continues its curve too.
 */
import path from 'node:path';
import { readJsonFile, train, trainingObjective, writeJsonAtomic } from '@agent-forge/core';
import type {
  BatchSource,
  GradientTransform,
  PhaseContext,
  TinyTitan,
  TrainConfig,
  TrainSummary,
} from '@agent-forge/core';
import { z } from 'zod';

const CURVE_FILE = 'curve.json';

/** One point of a held-out loss curve (curve.json). */
export const CurvePointSchema = z.object({
  /** Optimizer steps done. */
  step: z.number().int().nonnegative(),
  /** Held-out loss (nats per token) after those steps. */
  heldOutLoss: z.number(),
  /** The training loss of the last step, when one was taken. */
  trainLoss: z.number().optional(),
});
/** One point of a loss curve (see {@link CurvePointSchema}). */
export type CurvePoint = z.output<typeof CurvePointSchema>;
const CurveFileSchema = z.object({ points: z.array(CurvePointSchema), trainMs: z.number(), filterMs: z.number() });

/** A run trained by `trainWithCurve`: its held-out curve, core's summary and the time it took. */
export interface CurveRun {
  /** Held-out loss after every chunk, oldest first; the first point is step 0 (before training). */
  readonly points: CurvePoint[];
  /** Core's `train()` summary of the last chunk (final step, loss, `resumedFrom`). */
  readonly summary: TrainSummary;
  /** Milliseconds inside train() (all chunks, this process and earlier ones). */
  readonly trainMs: number;
  /** Milliseconds inside the gradient filter, if any. */
  readonly filterMs: number;
  /** Step this call continued from (0 for a fresh run). */
  readonly resumedFrom: number;
}

/** A transform that adds up the milliseconds its inner transform's `apply` takes. */
export interface TimedTransform extends GradientTransform {
  /** Milliseconds spent in the inner `apply` so far (all calls); read it before and after a chunk for that chunk's cost. */
  elapsedMs: number;
  /** Disposes the inner transform (its filter memory); a no-op when the inner one has no `dispose`. */
  dispose(): void;
}

/** Wraps a transform to time its `apply` (tfjs cpu/wasm kernels run synchronously, so this is real work). */
export function timedTransform(inner: GradientTransform): TimedTransform {
  const timed: TimedTransform = {
    name: inner.name,
    elapsedMs: 0,
    apply(gradients: Parameters<GradientTransform['apply']>[0], step: number) {
      const started = performance.now();
      const out = inner.apply(gradients, step);
      timed.elapsedMs += performance.now() - started;
      return out;
    },
    state: () => inner.state?.() ?? new Map(),
    loadState: (state: Parameters<NonNullable<GradientTransform['loadState']>>[0]) => inner.loadState?.(state),
    dispose: () => inner.dispose?.(),
  };
  return timed;
}

/** One training run measured as a curve: what `trainWithCurve` trains, and how. */
export interface CurveOptions {
  /** The model to train. */
  model: TinyTitan;
  /** Its batches. */
  data: BatchSource;
  /** Core's training settings plus the interval between held-out measurements. */
  config: TrainConfig & {
    /** Training steps between held-out loss measurements (the curve's resolution); a positive integer. */
    evalEvery: number;
  };
  /** Where the training state and curve.json live (so the run resumes). */
  stateDir: string;
  /** The run's name in metrics and progress (`grokfast`, `baseline`). */
  label: string;
  /** The phase context. */
  ctx: PhaseContext;
  /** Measures the held-out loss of the model as it is now. */
  measure: () => number;
  /** The Grokfast filter, timed; none for the baseline. */
  transform?: TimedTransform;
}

/**
 * Trains `options.model` to `config.steps` in chunks of `evalEvery` steps, measuring held-out loss after
 * each; state and curve.json live in `stateDir`, so an interrupted run resumes both (a finished run
 * trains no further and returns its saved curve).
 */
export async function trainWithCurve(options: CurveOptions): Promise<CurveRun> {
  const { config, stateDir, ctx } = options;
  const curveFile = path.join(stateDir, CURVE_FILE);
  const saved = CurveFileSchema.safeParse(await readJsonFile(curveFile, { required: false }));
  const previous = saved.success
    ? saved.data
    : { points: [{ step: 0, heldOutLoss: options.measure() }], trainMs: 0, filterMs: 0 };
  const points = [...previous.points];
  let trainMs = previous.trainMs;
  let filterMs = previous.filterMs;
  let summary: TrainSummary | undefined;
  let resumedFrom: number | undefined;
  let step = points[points.length - 1]?.step ?? 0;
  while (step < config.steps) {
    const until = Math.min(config.steps, step + config.evalEvery);
    const filterBefore = options.transform?.elapsedMs ?? 0;
    const started = performance.now();
    summary = await train({
      model: trainingObjective(options.model),
      data: options.data,
      config,
      shape: options.model.config,
      stateDir,
      untilStep: until,
      tracker: ctx.tracker,
      phase: `forge-train/${options.label}`,
      progress: ctx.progress,
      signal: ctx.signal,
      gradientTransforms: options.transform ? [options.transform] : [],
    });
    trainMs += performance.now() - started;
    filterMs += (options.transform?.elapsedMs ?? 0) - filterBefore;
    resumedFrom ??= summary.resumedFrom;
    step = summary.step;
    points.push({
      step,
      heldOutLoss: options.measure(),
      ...(Number.isFinite(summary.finalLoss) ? { trainLoss: summary.finalLoss } : {}),
    });
    await writeJsonAtomic(curveFile, { points, trainMs, filterMs });
  }
  summary ??= await train({
    model: trainingObjective(options.model),
    data: options.data,
    config,
    stateDir,
    gradientTransforms: options.transform ? [options.transform] : [],
  });
  return { points, summary, trainMs, filterMs, resumedFrom: resumedFrom ?? summary.resumedFrom };
}

/** First measured step whose held-out loss is at or below `target`; undefined if none is. */
export function stepsToReach(points: readonly CurvePoint[], target: number): number | undefined {
  return points.find((point) => point.heldOutLoss <= target)?.step;
}
