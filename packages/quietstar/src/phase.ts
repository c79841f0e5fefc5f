/**
 * The quietstar phase: take the previous phase's model, train Quiet-STaR thoughts (learned start/end
 * tokens, parallel thoughts, mixing head, REINFORCE + mixed LM loss), evaluate held-out loss and answer
 * accuracy with and without thoughts plus the anti-theater checks, and save the reasoning-enhanced model:
 * an ordinary TinyTitan checkpoint with `extensions.quietstar` and the `quietstar.safetensors` sidecar.
 */
import path from 'node:path';
import { bytesOnDisk, writeFileAtomic } from '@agent-forge/core';
import type { Phase, PhaseContext, PhaseResult } from '@agent-forge/core';
import { accuracyWithAndWithout, measureLatency } from './answers.js';
import { meanAtPositions, positionNll } from './base-loss.js';
import { saveThinker } from './checkpoint.js';
import { evaluateThoughts } from './evaluate.js';
import { QuietStarPhaseConfigSchema, quietstarPresetDefaults, type QuietStarPhaseConfig } from './phase-config.js';
import { loadInputThinker, pickInputModel, preparePhaseData, trainThoughts } from './phase-steps.js';
import { phaseMetrics, phaseReport, type PhaseOutcome } from './report.js';

/** Directory of the output checkpoint inside the phase directory. */
export const QUIETSTAR_MODEL_DIR = 'model';

async function runQuietstar(
  input: PhaseResult | null,
  config: QuietStarPhaseConfig,
  ctx: PhaseContext,
): Promise<PhaseResult> {
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const source = pickInputModel(input);
  const { thinker, tokenizer, extensions } = await loadInputThinker(source.dir, config, ctx.seed);
  try {
    const data = await preparePhaseData(config, ctx, tokenizer, thinker.model.config.contextLength);
    const nllBefore = positionNll(thinker.model, data.windows);
    const training = await trainThoughts(thinker, config, ctx, data.trainDocuments);
    const evaluation = evaluateThoughts(thinker, data.windows, { seed: ctx.seed });
    const lossBefore = meanAtPositions(
      nllBefore,
      data.windows.cols - 1,
      evaluation.positionStarts,
      evaluation.positionsPerRow,
    );
    const accuracy = await accuracyWithAndWithout(thinker, tokenizer, data.problems, config.maxNewTokens);
    const prompt = [...data.windows.tokens.subarray(0, Math.max(1, thinker.model.config.contextLength >> 1))];
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
    const reportFile = path.join(ctx.phaseDir, 'report.md');
    await writeFileAtomic(reportFile, phaseReport(outcome));
    return {
      phase: 'quietstar',
      runId: ctx.runId,
      startedAt,
      durationMs: performance.now() - started,
      models: [
        { dir, role: 'reasoning-enhanced', params: thinker.model.parameterCount, bytes: await bytesOnDisk(dir) },
      ],
      metrics: phaseMetrics(outcome),
      artifacts: { report: reportFile, sidecar: path.join(dir, 'quietstar.safetensors') },
      config,
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
