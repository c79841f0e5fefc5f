/**
 * `forge export <model> --format hf|gguf -o DIR`: loads the model with the loaders `forge chat` uses
 * (BitNet directories dequantized, compressed ones decoded; baked ones with a persona merged) and writes it
 * in a format other tools run.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  ADAPTERS_DIR,
  ForgeError,
  LoraAdapters,
  buildModel,
  loadAdapterFile,
  loadModelCheckpoint,
  loraExtension,
  readAdapterFile,
} from '@agent-forge/core';
import type { BpeTokenizer, TinyTitan } from '@agent-forge/core';
import { isCompressedModelDir, loadCompressedModel } from '@agent-forge/compression';
import { EXPORT_FORMATS, exportModel } from '@agent-forge/export';
import type { ExportFormatName, ExportOptions, ExportResult, GgufWeightType } from '@agent-forge/export';
import { hasAdapters } from '@agent-forge/edge';
import { Option, type Command } from 'commander';
import { startEngine } from '../engine.js';
import { loadEdgeModel } from '../load-model.js';
import { positiveInt } from './edge-options.js';
import { readModelExtensions } from '../runtimes/index.js';
import type { ProgramIo } from '../program.js';

/** What `forge export` is asked to do. */
export interface ExportCommandOptions {
  /** The model directory (any that `forge chat` loads, baked models excepted). */
  readonly modelDir: string;
  /** Output format. */
  readonly format: ExportFormatName;
  /** Output directory. */
  readonly outDir: string;
  /** GGUF weight type. */
  readonly type?: GgufWeightType;
  /** Replace a non-empty output directory. */
  readonly force?: boolean;
  /** A baked model's persona to merge into the exported weights; `all`: one export per persona, in `<outDir>/<persona>`. */
  readonly persona?: string;
  /** ACT models: how many times the block stack is applied (default: the depth that agrees best with ours, measured). */
  readonly actDepth?: number;
  /** Measure and print an approximated export's agreement with ours (default true). */
  readonly measure?: boolean;
}

/** Exports `modelDir`; the model is loaded, exported and disposed. A baked model exports one model per persona asked for. */
export async function exportCommand(options: ExportCommandOptions): Promise<ExportResult[]> {
  const extensions = await readModelExtensions(options.modelDir);
  if (await hasAdapters(options.modelDir)) return exportPersonas(options, extensions);
  if (options.persona !== undefined)
    throw new ForgeError('--persona needs a baked model (with adapters/)', { field: 'persona' });
  // Ternary layers load as W_q·γ in float32 so the exporter sees the exact ternary values.
  const loaded = await loadEdgeModel(options.modelDir, { float: true });
  try {
    return [
      await exportModel(
        { model: loaded.model, tokenizer: loaded.tokenizer, extensions, name: loaded.id },
        exportOptions(options, options.outDir),
      ),
    ];
  } finally {
    loaded.dispose();
  }
}

function exportOptions(options: ExportCommandOptions, outDir: string): ExportOptions {
  return {
    format: options.format,
    outDir,
    weightType: options.type,
    overwrite: options.force,
    actDepth: options.actDepth,
    measure: options.measure,
  };
}

/** Each persona's adapter file in a baked model's adapters/, by the persona name the file records. */
async function personaFiles(dir: string): Promise<Map<string, string>> {
  const folder = path.join(dir, ADAPTERS_DIR);
  const files = new Map<string, string>();
  for (const entry of (await readdir(folder)).filter((name) => name.endsWith('.safetensors')).sort()) {
    const { info, tensors } = await readAdapterFile(path.join(folder, entry));
    for (const tensor of tensors.values()) tensor.dispose();
    files.set(info.name, path.join(folder, entry));
  }
  return files;
}

/** The base checkpoint with one persona's adapter added into its weights (W + (alpha/rank)·A·B, exact for dense layers). */
async function mergedPersona(dir: string, file: string): Promise<{ model: TinyTitan; tokenizer: BpeTokenizer }> {
  // Merging is baking's step; the adapter format itself is core's.
  const { mergeAdapter } = await import('@agent-forge/baking');
  const { info, tensors } = await readAdapterFile(file);
  for (const tensor of tensors.values()) tensor.dispose();
  const lora = loraExtension(info.targetLayers);
  // A compressed baked model (phase 8 keeps the adapters) merges into its decoded weights.
  const { model, tokenizer } = (await isCompressedModelDir(dir))
    ? await loadCompressedModel(dir, { extensions: { lora } })
    : await loadModelCheckpoint(dir, { build: (config, extensions) => buildModel(config, { ...extensions, lora }) });
  const adapters = LoraAdapters.of(model);
  try {
    await loadAdapterFile(file, adapters);
    mergeAdapter(model, adapters, info.name);
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    adapters.dispose();
  }
  return { model, tokenizer };
}

/** A baked model's personas, each merged into the weights and exported as its own model. */
async function exportPersonas(
  options: ExportCommandOptions,
  extensions: Record<string, unknown>,
): Promise<ExportResult[]> {
  if (extensions.bitnet !== undefined) {
    throw new ForgeError(
      'a baked BitNet model cannot be exported: merging an adapter into ternary weights un-ternarizes them',
      { file: options.modelDir },
    );
  }
  const files = await personaFiles(options.modelDir);
  const personas = [...files.keys()];
  if (options.persona === undefined || (options.persona !== 'all' && !files.has(options.persona))) {
    throw new ForgeError(
      `a baked model exports one persona at a time, merged into the weights: pass --persona with one of ${personas.join(', ')}, or all`,
      { field: 'persona' },
    );
  }
  const results: ExportResult[] = [];
  for (const persona of options.persona === 'all' ? personas : [options.persona]) {
    const { model, tokenizer } = await mergedPersona(options.modelDir, files.get(persona) as string);
    try {
      const outDir = options.persona === 'all' ? path.join(options.outDir, persona) : options.outDir;
      results.push(await exportModel({ model, tokenizer, extensions, name: persona }, exportOptions(options, outDir)));
    } finally {
      model.dispose();
    }
  }
  return results;
}

/** The export's files, and — when it approximates — what differs from ours and the measured agreement. */
function printResult(io: ProgramIo, modelDir: string, result: ExportResult): void {
  io.print(`exported ${modelDir} as ${result.format} to ${result.outDir}: ${result.files.join(', ')}`);
  for (const note of result.approximations) io.print(`  approximation (${note.extension}): ${note.description}`);
  const agreement = result.agreement;
  if (!agreement) return;
  const percent = (value: number) => `${(100 * value).toFixed(1)}%`;
  io.print(
    `  agreement with ours on ${agreement.prompts} probe texts: next token ${percent(agreement.nextToken)} of ${agreement.positions} positions, greedy ${percent(agreement.greedy)} of ${agreement.prompts}×${agreement.newTokens} tokens (equal before the first difference)`,
  );
}

/** Registers `forge export`. */
export function registerExportCommand(program: Command, io: ProgramIo): void {
  program
    .command('export')
    .description(
      'write a model as files other tools run: hf (🤗 transformers Llama), gguf (llama.cpp, ollama, LM Studio; BitNet as TQ2_0) or onnx (onnxruntime, transformers.js)',
    )
    .argument('<model>', 'model directory: a plain, merged, BitNet or compressed checkpoint')
    .addOption(new Option('--format <format>', 'output format').choices(EXPORT_FORMATS.names()).makeOptionMandatory())
    .requiredOption('-o, --out <dir>', 'output directory (created; see --force)')
    .addOption(
      new Option(
        '--type <type>',
        'GGUF weight type of the matrices (default f32; tq2_0: BitNet ternary layers at 2 bits)',
      ).choices(['f32', 'f16', 'tq2_0']),
    )
    .option('--force', 'replace a non-empty output directory')
    .option(
      '--act-depth <n>',
      'ACT models: passes of the block stack in the export (default: measured best)',
      positiveInt,
    )
    .option('--no-measure', 'skip measuring an approximated export’s agreement with ours on the probe texts')
    .option(
      '--persona <name>',
      'baked models: the persona merged into the weights, or all (one model each, in OUT/<persona>)',
    )
    .action(
      async (
        modelDir: string,
        flags: {
          format: ExportFormatName;
          out: string;
          type?: GgufWeightType;
          force?: boolean;
          persona?: string;
          actDepth?: number;
          measure: boolean;
        },
      ) => {
        await startEngine('auto');
        const results = await exportCommand({
          modelDir,
          format: flags.format,
          outDir: flags.out,
          type: flags.type,
          force: flags.force,
          persona: flags.persona,
          actDepth: flags.actDepth,
          measure: flags.measure,
        });
        for (const result of results) printResult(io, modelDir, result);
      },
    );
}
