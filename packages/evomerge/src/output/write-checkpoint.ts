import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CHECKPOINT_FILES, ForgeError, writeFileAtomic, writeJsonAtomic } from '@agent-forge/core';
import type { MergePlan } from '../plan/planned-tensor.js';
import { SHARD_INDEX_FILE, type ResolvedModel } from '../plan/sources.js';

/**
 * What goes beside the merged weights, from the primary model (the base, else the first model, as
 * mergekit's donor): its config.json with the layer count set to the merged depth (TinyTitan's
 * `model.nLayers`, Hugging Face's `num_hidden_layers`) and, for a Hugging Face config, `torch_dtype`
 * set to the merge's `out_dtype`/`dtype` when one is given; and its tokenizer files, copied byte for
 * byte (the files mergekit copies). Merged models must share one tokenizer, so differing
 * tokenizer.json files are refused rather than silently picking one.
 */
export async function checkSameTokenizer(models: ReadonlyMap<string, ResolvedModel>): Promise<void> {
  let first: { model: string; text: string } | undefined;
  for (const [model, resolved] of models) {
    if (resolved.checkpointDir === undefined) continue;
    const text = await readFile(path.join(resolved.checkpointDir, CHECKPOINT_FILES.tokenizer), 'utf8').catch(
      () => undefined,
    );
    if (text === undefined) continue;
    if (first === undefined) first = { model, text };
    else if (first.text !== text) {
      throw new ForgeError(
        `models '${first.model}' and '${model}' have different tokenizers; merging needs one shared vocabulary`,
      );
    }
  }
}

export async function writeCompanionFiles(
  dir: string,
  primary: ResolvedModel,
  plan: MergePlan,
  torchDtype: string | undefined,
): Promise<void> {
  if (primary.checkpointDir === undefined) return;
  const configFile = path.join(primary.checkpointDir, CHECKPOINT_FILES.config);
  const configText = await readFile(configFile, 'utf8').catch(() => undefined);
  if (configText !== undefined) {
    let config: unknown;
    try {
      config = JSON.parse(configText);
    } catch (error) {
      throw new ForgeError(`config.json is not valid JSON: ${(error as Error).message}`, {
        file: configFile,
        cause: error,
      });
    }
    await writeJsonAtomic(path.join(dir, CHECKPOINT_FILES.config), outputConfig(config, plan.layerCount, torchDtype));
  }
  for (const name of TOKENIZER_FILES) {
    const bytes = await readFile(path.join(primary.checkpointDir, name)).catch(() => undefined);
    if (bytes !== undefined) await writeFileAtomic(path.join(dir, name), bytes);
  }
}

/** The tokenizer and generation files copied beside the merged weights (mergekit's list, plus vocab.json). */
export const TOKENIZER_FILES: readonly string[] = [
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'tokenizer.model',
  'added_tokens.json',
  'merges.txt',
  'vocab.json',
  'chat_template.jinja',
  'chat_template.json',
  'generation_config.json',
];

/** A TinyTitan config (`{model: {nLayers}}`) or Hugging Face config (`num_hidden_layers`) with the merged depth (and HF `torch_dtype`) set; any other JSON is copied as it is. */
function outputConfig(config: unknown, layerCount: number, torchDtype: string | undefined): unknown {
  if (typeof config !== 'object' || config === null || Array.isArray(config)) return config;
  const record = config as Record<string, unknown>;
  if (typeof record.num_hidden_layers === 'number') {
    return {
      ...record,
      num_hidden_layers: layerCount,
      ...(torchDtype === undefined ? {} : { torch_dtype: torchDtype }),
    };
  }
  const model = record.model;
  if (typeof model !== 'object' || model === null || typeof (model as { nLayers?: unknown }).nLayers !== 'number')
    return config;
  return { ...record, model: { ...model, nLayers: layerCount } };
}

/**
 * The output directory is replaced as a whole, so refuse one that holds something else (a mistyped
 * path must not cost someone a directory) or that is one of the inputs.
 */
export async function assertReplaceableOutput(outDir: string, inputs: Iterable<ResolvedModel>): Promise<void> {
  const target = path.resolve(outDir);
  for (const input of inputs) {
    const inputPath = input.checkpointDir ?? input.weightsFile ?? '';
    if (inputPath === target || inputPath.startsWith(`${target}${path.sep}`)) {
      throw new ForgeError('the output directory holds one of the models being merged; choose another', {
        file: target,
      });
    }
  }
  const info = await stat(target).catch(() => undefined);
  if (info === undefined) return;
  if (!info.isDirectory()) throw new ForgeError('the output path exists and is not a directory', { file: target });
  const names = await readdir(target);
  if (names.length > 0 && !names.includes(CHECKPOINT_FILES.weights) && !names.includes(SHARD_INDEX_FILE)) {
    throw new ForgeError(
      `refusing to replace a non-empty directory that holds no ${CHECKPOINT_FILES.weights} or ${SHARD_INDEX_FILE}`,
      { file: target },
    );
  }
}
