/**
 * Evaluates genomes in memory: merge the source weight maps with the method registry, load the
 * result into a model built once per (depth, titan settings) and reused, and measure it on the fixed
 * evaluation subset. Nothing is written to disk.
 */
import { TitanRunner, buildModel, tf, weightsToTf } from '@agent-forge/core';
import type { ModelConfig, TinyTitan, TokenWindows, WeightMap } from '@agent-forge/core';
import { mergeWeightMaps } from '../merge.js';
import { countLayers } from '../params/position.js';
import { teacherForcedAccuracy, type AnswerProbes } from '@agent-forge/core';
import { genomeToMergeConfig, sourceName } from './decode.js';
import { fingerprintProbes, fingerprintOf, type FingerprintProbe } from './fingerprint.js';
import type { Measures } from './fitness.js';
import type { Genome } from './genome.js';

/** The fixed evaluation subset every genome is measured on (held out from cognate's training). */
export interface EvalData {
  /** Held-out windows `[rows, context + 1]` for perplexity. */
  readonly windows: TokenWindows;
  /** Problems for the teacher-forced answer accuracy (see {@link answerProbes}). */
  readonly probes: AnswerProbes;
}

/** The source models a {@link MergeEvaluator} merges; they must share one architecture and tensor layout. */
export interface EvaluatorSources {
  /** Source weight maps, in source order. */
  readonly weights: readonly WeightMap[];
  /** The shared architecture of the sources. */
  readonly modelConfig: ModelConfig;
  /** Each source's checkpoint `extensions`; the merged model takes its base's. */
  readonly extensions: readonly Record<string, unknown>[];
}

/** What evaluating one genome yields; the search turns it into fitness and caches it by genome hash. */
export interface Evaluation {
  /** Perplexity, loss, accuracy, cost, depth and bytes of the merged model. */
  readonly measures: Measures;
  /** The merged values at 512 fixed sampled positions (read at the same relative depth), for weight diversity. */
  readonly fingerprint: number[];
}

const PERPLEXITY_BATCH = 8;
/** Loss given to merges whose loss is not finite (exp(100) is still a finite perplexity). */
const DIVERGED_LOSS = 100;

/**
 * The phase's {@link GenomeEvaluator}: merges the source weight maps in memory for a genome, loads the
 * result into a model reused per (depth, extensions) and measures it; nothing touches the disk.
 * Holds tfjs models: call `dispose` when done.
 */
export class MergeEvaluator {
  private readonly sources: ReadonlyMap<string, WeightMap>;
  private readonly pool = new Map<string, TinyTitan>();
  private readonly probes: FingerprintProbe[];

  constructor(
    private readonly input: EvaluatorSources,
    private readonly data: EvalData,
  ) {
    this.sources = new Map(input.weights.map((weights, index) => [sourceName(index), weights]));
    this.probes = fingerprintProbes(input.weights[0] as WeightMap);
  }

  /** Number of source models; source `i` is referenced as `sourceName(i)` in decoded configs. */
  get sourceCount(): number {
    return this.input.weights.length;
  }

  /** The merged weights of `genome`. */
  async merge(genome: Genome): Promise<WeightMap> {
    return mergeWeightMaps(genomeToMergeConfig(genome, this.sourceCount), this.sources);
  }

  /** The titan settings (and any other extensions) the merged model is built with: the base model's. */
  extensionsOf(genome: Genome): Record<string, unknown> {
    return this.input.extensions[genome.base] ?? {};
  }

  /** Fingerprint of a weight map (see fingerprint.ts), e.g. of a source. */
  fingerprint(weights: WeightMap): number[] {
    return fingerprintOf(weights, this.probes, countLayers(this.input.weights[0]?.keys() ?? []));
  }

  /** Merge, load and run `use` on the merged model (owned by the evaluator's pool: do not dispose it). */
  async withModel<T>(genome: Genome, use: (model: TinyTitan, weights: WeightMap) => T | Promise<T>): Promise<T> {
    const weights = await this.merge(genome);
    const depth = countLayers(weights.keys());
    const extensions = this.extensionsOf(genome);
    const key = `${depth}|${JSON.stringify(extensions)}`;
    let model = this.pool.get(key);
    if (model === undefined) {
      model = buildModel({ ...this.input.modelConfig, nLayers: depth }, extensions);
      this.pool.set(key, model);
    }
    const tensors = weightsToTf(weights);
    try {
      model.loadWeights(tensors);
    } finally {
      for (const tensor of tensors.values()) tensor.dispose();
    }
    return use(model, weights);
  }

  /**
   * Merges `genome` and measures it on the evaluation subset: perplexity (a non-finite loss is clamped
   * to 100 so a diverged merge ranks last), accuracy, cost = depth × mean ponder steps, bytes = params × 4.
   */
  async evaluate(genome: Genome): Promise<Evaluation> {
    return this.withModel(genome, (model, weights) => {
      const held = heldOutLoss(model, this.data.windows);
      // A diverged merge gets a large finite loss, so the state stays valid JSON and it simply ranks last.
      const loss = Number.isFinite(held.loss) ? Math.min(held.loss, DIVERGED_LOSS) : DIVERGED_LOSS;
      const meanPonderSteps = Number.isFinite(held.meanPonderSteps) ? held.meanPonderSteps : 1;
      const accuracy = teacherForcedAccuracy(model, this.data.probes);
      const depth = model.config.nLayers;
      const measures: Measures = {
        perplexity: Math.exp(loss),
        loss,
        accuracy,
        meanPonderSteps,
        depth,
        cost: depth * meanPonderSteps,
        bytes: model.parameterCount * 4,
      };
      return { measures, fingerprint: this.fingerprint(weights) };
    });
  }

  /** Frees the pooled tfjs models; the evaluator cannot be used afterwards. */
  dispose(): void {
    for (const model of this.pool.values()) model.dispose();
    this.pool.clear();
  }
}

/** Mean next-token loss over the windows and the mean ACT ponder steps (1 without ACT). */
export function heldOutLoss(
  model: TinyTitan,
  windows: EvalData['windows'],
): {
  /** Mean next-token cross-entropy over the windows, in nats per token (NaN or infinite for a diverged model). */
  loss: number;
  /** Mean ACT ponder steps per token over the windows; 1 without ACT. */
  meanPonderSteps: number;
} {
  const runner = model.blockRunner instanceof TitanRunner ? model.blockRunner : undefined;
  let lossSum = 0;
  let ponderSum = 0;
  for (let start = 0; start < windows.rows; start += PERPLEXITY_BATCH) {
    const rows = Math.min(PERPLEXITY_BATCH, windows.rows - start);
    const loss = tf.tidy(() =>
      model.loss(
        tf.tensor2d(
          windows.tokens.subarray(start * windows.cols, (start + rows) * windows.cols),
          [rows, windows.cols],
          'int32',
        ),
      ),
    );
    lossSum += (loss.dataSync()[0] ?? Number.NaN) * rows;
    loss.dispose();
    ponderSum += (runner === undefined || !runner.settings.act.enabled ? 1 : runner.lastStats().meanPonderSteps) * rows;
  }
  return { loss: lossSum / windows.rows, meanPonderSteps: ponderSum / windows.rows };
}
