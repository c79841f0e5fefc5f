/**
 * The quietstar phase: take the previous phase's model, train Quiet-STaR thoughts (learned start/end
 * tokens, parallel thoughts, mixing head, REINFORCE + mixed LM loss), evaluate held-out loss and answer
 * accuracy with and without thoughts plus the anti-theater checks, and save the reasoning-enhanced model:
 * an ordinary TinyTitan checkpoint with `extensions.quietstar` and the `quietstar.safetensors` sidecar.
 * With `handOnBest` the saved model is whichever of the input, the trained model and the plain fine-tune
 * has the lowest no-thought loss on a held-out check set disjoint from the reported windows (the input
 * and the control with a zero mixing head), and the report says which.
 */
import path from 'node:path';
import { bytesOnDisk, pickInputModel } from '@agent-forge/core';
import type { InputModelChoice, Phase, PhaseContext, PhaseOutput, PhaseResult } from '@agent-forge/core';
import { accuracyWithAndWithout, measureLatency } from './answers.js';
import { answerTargetMask, evaluateAnswerTokens } from './answer-tokens.js';
import { positionNll } from './base-loss.js';
import { checkLosses, meanCheckLoss } from './check-set.js';
import { plainFineTune } from './control.js';
import { saveHandedOn } from './hand-on.js';
import { evaluateThoughts } from './evaluate.js';
import { compareWithInput } from './keep.js';
import { QuietStarPhaseConfigSchema, quietstarPresetDefaults, type QuietStarPhaseConfig } from './phase-config.js';
import { loadInputThinker, prepareQuietstarData, trainThoughts } from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const QUIETSTAR_MODEL_DIR = 'model';

/** The model quietstar teaches to think: evomerge's merged model, else cognate's reasoning one, else the first. */
const INPUT: InputModelChoice = {
  phase: 'quietstar',
  roles: ['merged', 'reasoning'],
  after: 'evomerge (or cognate)',
};

async function runQuietstar(
  input: PhaseResult | null,
  config: QuietStarPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseOutput> {
  const source = pickInputModel(input, INPUT);
  const { thinker, tokenizer, extensions } = await loadInputThinker(source.dir, config, ctx.seed);
  let control: Awaited<ReturnType<typeof plainFineTune>> | undefined;
  try {
    const data = await prepareQuietstarData(config, ctx, tokenizer, thinker.model.config.contextLength);
    const { windows, problems } = data.heldOut;
    const nllBefore = positionNll(thinker.model, windows);
    const checkBefore = data.extra ? meanCheckLoss(thinker.model, data.extra) : Number.NaN;
    const training = await trainThoughts(thinker, config, ctx, data.trainDocuments);
    const evaluation = evaluateThoughts(thinker, windows, { seed: ctx.seed });
    const answers = evaluateAnswerTokens(thinker, windows, answerTargetMask(windows, tokenizer), ctx.seed);
    control = config.fineTuneControl
      ? await plainFineTune(source.dir, config, ctx, data.trainDocuments, windows)
      : undefined;
    const check = data.extra && checkLosses(data.extra, checkBefore, thinker.model, control?.model);
    const nll = { length: windows.cols - 1, input: nllBefore, control: control?.nll };
    const comparison = compareWithInput(nll, evaluation, answers, check);
    const accuracy = await accuracyWithAndWithout(thinker, tokenizer, problems, config.maxNewTokens);
    const prompt = [...windows.tokens.subarray(0, Math.max(1, thinker.model.config.contextLength >> 1))];
    const latency = config.latencyTokens > 0 ? await measureLatency(thinker, prompt, config.latencyTokens) : undefined;
    const dir = path.join(ctx.phaseDir, QUIETSTAR_MODEL_DIR);
    await saveHandedOn(comparison.handedOn, dir, {
      thinker,
      tokenizer,
      extensions,
      config,
      inputDir: source.dir,
      control: control?.model,
      seed: ctx.seed,
    });
    const outcome: PhaseOutcome = {
      comparison,
      evaluation,
      answers,
      accuracy,
      latency,
      training,
      params: thinker.model.parameterCount,
      mixerParams: [...thinker.mixer.weights.values()].reduce((sum, weight) => sum + weight.size, 0),
      thoughtLength: config.thoughtLength,
    };
    return {
      models: [{ dir, role: 'reasoning-enhanced', params: outcome.params, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: { sidecar: path.join(dir, 'quietstar.safetensors') },
    };
  } finally {
    thinker.model.dispose();
    thinker.dispose();
    control?.model.dispose();
  }
}

/** Phase 3 of the pipeline; the CLI registers it as `quietstar`. */
export const quietstarPhase: Phase<QuietStarPhaseConfig> = {
  name: 'quietstar',
  description:
    'Quiet-STaR: learned thought tokens, parallel thoughts, mixing head, REINFORCE; ablation with/without thoughts',
  configSchema: QuietStarPhaseConfigSchema,
  presetDefaults: quietstarPresetDefaults,
  run: runQuietstar,
};
