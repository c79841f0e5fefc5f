/**
 * The quietstar phase: take the previous phase's model, train Quiet-STaR thoughts (learned start/end
 * tokens, parallel thoughts, mixing head, REINFORCE + mixed LM loss), evaluate held-out loss and answer
 * accuracy with and without thoughts plus the anti-theater checks, and save the reasoning-enhanced model:
 * an ordinary TinyTitan checkpoint with `extensions.quietstar` and the `quietstar.safetensors` sidecar.
 */
import path from 'node:path';
import { bytesOnDisk, pickInputModel, preparePhaseData } from '@agent-forge/core';
import type { InputModelChoice, Phase, PhaseContext, PhaseOutput, PhaseResult } from '@agent-forge/core';
import { accuracyWithAndWithout, measureLatency } from './answers.js';
import { meanAtPositions, positionNll } from './base-loss.js';
import { saveThinker } from './checkpoint.js';
import { evaluateThoughts } from './evaluate.js';
import { QuietStarPhaseConfigSchema, quietstarPresetDefaults, type QuietStarPhaseConfig } from './phase-config.js';
import { loadInputThinker, trainThoughts } from './phase-steps.js';
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
  try {
    const data = await preparePhaseData(config, ctx, tokenizer, thinker.model.config.contextLength);
    const { windows, problems } = data.heldOut;
    const nllBefore = positionNll(thinker.model, windows);
    const training = await trainThoughts(thinker, config, ctx, data.trainDocuments);
    const evaluation = evaluateThoughts(thinker, windows, { seed: ctx.seed });
    const lossBefore = meanAtPositions(
      nllBefore,
      windows.cols - 1,
      evaluation.positionStarts,
      evaluation.positionsPerRow,
    );
    const accuracy = await accuracyWithAndWithout(thinker, tokenizer, problems, config.maxNewTokens);
    const prompt = [...windows.tokens.subarray(0, Math.max(1, thinker.model.config.contextLength >> 1))];
    const latency = config.latencyTokens > 0 ? await measureLatency(thinker, prompt, config.latencyTokens) : undefined;
    const dir = path.join(ctx.phaseDir, QUIETSTAR_MODEL_DIR);
    await saveThinker(dir, { thinker, tokenizer, extensions });
    const mixerParams = [...thinker.mixer.weights.values()].reduce((sum, weight) => sum + weight.size, 0);
    const outcome: PhaseOutcome = {
      lossBefore,
      evaluation,
      accuracy,
      latency,
      training,
      params: thinker.model.parameterCount,
      mixerParams,
      thoughtLength: config.thoughtLength,
    };
    const params = thinker.model.parameterCount;
    return {
      models: [{ dir, role: 'reasoning-enhanced', params, bytes: await bytesOnDisk(dir) }],
      metrics: phaseMetrics(outcome),
      report: phaseReport(outcome),
      artifacts: { sidecar: path.join(dir, 'quietstar.safetensors') },
    };
  } finally {
    thinker.model.dispose();
    thinker.dispose();
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
