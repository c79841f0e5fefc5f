/**
 * The optional merged output: one persona's adapter added into the base weights and saved as a plain
 * checkpoint (no adapter needed to run it). Exact for dense layers; a BitNet base re-quantizes the
 * merged latent weights, so it only approximates the adapter — its KL is measured again, not assumed.
 */
import path from 'node:path';
import { ADAPTER_EXTENSION, loadAdapterFile, saveModelCheckpoint } from '@agent-forge/core';
import { samplingFor, type BakeEnvironment, type BakeJob } from './bake-job.js';
import { meanKl } from './kl.js';
import { mergeAdapter } from './lora/merge.js';
import { encodePrompt } from './personas.js';
import { copySidecarFiles } from './phase-steps.js';
import type { MergedOutcome } from './report.js';
import { sampleTrajectories } from './trajectories.js';

/** Directory of the merged checkpoint inside the phase directory. */
export const MERGED_MODEL_DIR = 'merged';

/**
 * Merges `job`'s adapter into `env.model` (in place: call after the base checkpoint is saved) and
 * saves it with the input's extensions, whose save hooks write their own files from the merged weights
 * (a BitNet input's packed file); other sidecar files are copied from `inputDir`.
 */
export async function saveMergedPersona(
  env: BakeEnvironment,
  job: BakeJob,
  inputDir: string,
  extensions: Record<string, unknown>,
): Promise<MergedOutcome> {
  const { model, adapters, config, ctx } = env;
  await loadAdapterFile(path.join(env.workDir, `${job.name}${ADAPTER_EXTENSION}`), adapters);
  const promptIds = encodePrompt(env.tokenizer, job.prompt, job.name);
  const heldOut = await sampleTrajectories(
    model,
    adapters,
    promptIds,
    env.inputs.heldOut,
    samplingFor(env, `held-out:${job.name}`),
  );
  const klBaked = meanKl(model, adapters, promptIds, heldOut, job.name, config.batchSize);
  mergeAdapter(model, adapters, job.name);
  adapters.remove(job.name);
  const klMerged = meanKl(model, adapters, promptIds, heldOut, null, config.batchSize);
  const dir = path.join(ctx.phaseDir, MERGED_MODEL_DIR);
  await saveModelCheckpoint(dir, {
    model,
    tokenizer: env.tokenizer,
    extensions,
    metadata: { mergedPersona: job.name },
  });
  await copySidecarFiles(inputDir, dir);
  return { persona: job.name, klMerged, klBaked, dir };
}
