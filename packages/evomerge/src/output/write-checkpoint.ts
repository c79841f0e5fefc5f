import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHECKPOINT_FILES, ForgeError, writeJsonAtomic } from '@agent-forge/core';
import type { MergePlan } from '../plan/planned-tensor.js';
import type { ResolvedModel } from '../plan/sources.js';

/**
 * What goes beside the merged weights: the primary model's config.json with its layer count set to
 * the merged depth (frankenmerge and dfs change it), and its tokenizer.json. Merged models must share
 * one tokenizer, so differing tokenizer files are refused rather than silently picking one.
 */
export async function checkSameTokenizer(models: ReadonlyMap<string, ResolvedModel>): Promise<void> {
  let first: { model: string; text: string } | undefined;
  for (const [model, resolved] of models) {
    if (resolved.checkpointDir === undefined) continue;
    const text = await readFile(path.join(resolved.checkpointDir, CHECKPOINT_FILES.tokenizer), 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    if (first === undefined) first = { model, text };
    else if (first.text !== text) {
      throw new ForgeError(`models '${first.model}' and '${model}' have different tokenizers; merging needs one shared vocabulary`);
    }
  }
}

export async function writeCompanionFiles(dir: string, primary: ResolvedModel, plan: MergePlan): Promise<void> {
  if (primary.checkpointDir === undefined) return;
  const configText = await readFile(path.join(primary.checkpointDir, CHECKPOINT_FILES.config), 'utf8').catch(() => undefined);
  if (configText !== undefined) await writeJsonAtomic(path.join(dir, CHECKPOINT_FILES.config), withLayerCount(JSON.parse(configText) as unknown, plan.layerCount));
  const tokenizer = await readFile(path.join(primary.checkpointDir, CHECKPOINT_FILES.tokenizer), 'utf8').catch(() => undefined);
  if (tokenizer !== undefined) await writeJsonAtomic(path.join(dir, CHECKPOINT_FILES.tokenizer), JSON.parse(tokenizer) as unknown);
}

/** A TinyTitan checkpoint config (`{model: {nLayers}}`) with nLayers set; any other config is copied as it is. */
function withLayerCount(config: unknown, layerCount: number): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const model = (config as { model?: unknown }).model;
  if (typeof model !== 'object' || model === null || typeof (model as { nLayers?: unknown }).nLayers !== 'number') return config;
  return { ...config, model: { ...model, nLayers: layerCount } };
}

/**
 * The output directory is replaced as a whole, so refuse one that holds something else (a mistyped
 * path must not cost someone a directory) or that is one of the inputs.
 */
export async function assertReplaceableOutput(outDir: string, inputs: Iterable<ResolvedModel>): Promise<void> {
  const target = path.resolve(outDir);
  for (const input of inputs) {
    const inputPath = input.checkpointDir ?? input.weightsFile;
    if (inputPath === target || inputPath.startsWith(`${target}${path.sep}`)) {
      throw new ForgeError('the output directory holds one of the models being merged; choose another', { file: target });
    }
  }
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new ForgeError('the output path exists and is not a directory', { file: target });
  const names = await readdir(target);
  if (names.length > 0 && !names.includes(CHECKPOINT_FILES.weights)) {
    throw new ForgeError(`refusing to replace a non-empty directory that holds no ${CHECKPOINT_FILES.weights}`, { file: target });
  }
}
