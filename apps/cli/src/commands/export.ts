/**
 * `forge export <model> --format hf|gguf -o DIR`: loads the model with the loaders `forge chat` uses
 * (BitNet directories dequantized, compressed ones decoded) and writes it in a format other tools run.
 */
import { ForgeError } from '@agent-forge/core';
import { EXPORT_FORMATS, exportModel } from '@agent-forge/export';
import type { ExportFormatName, ExportResult, GgufWeightType } from '@agent-forge/export';
import { hasAdapters } from '@agent-forge/edge';
import { Option, type Command } from 'commander';
import { loadEdgeModel } from '../load-model.js';
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
}

/** Exports `modelDir`; the model is loaded, exported and disposed. */
export async function exportCommand(options: ExportCommandOptions): Promise<ExportResult> {
  if (await hasAdapters(options.modelDir)) {
    throw new ForgeError(
      "a baked model's personas are adapters beside the weights; export the baking phase's merged/ checkpoint (phase setting mergePersona), which has one persona in its weights",
      { file: options.modelDir },
    );
  }
  const extensions = await readModelExtensions(options.modelDir);
  // Ternary layers load as W_q·γ in float32 so the exporter sees the exact ternary values.
  const loaded = await loadEdgeModel(options.modelDir, { float: true });
  try {
    return await exportModel(
      { model: loaded.model, tokenizer: loaded.tokenizer, extensions, name: loaded.id },
      { format: options.format, outDir: options.outDir, weightType: options.type, overwrite: options.force },
    );
  } finally {
    loaded.dispose();
  }
}

/** Registers `forge export`. */
export function registerExportCommand(program: Command, io: ProgramIo): void {
  program
    .command('export')
    .description('write a model as files other tools run: hf (🤗 transformers Llama), gguf (llama.cpp, ollama, LM Studio; BitNet as TQ2_0) or onnx (onnxruntime, transformers.js)')
    .argument('<model>', 'model directory: a plain, merged, BitNet or compressed checkpoint')
    .addOption(new Option('--format <format>', 'output format').choices(Object.keys(EXPORT_FORMATS)).makeOptionMandatory())
    .requiredOption('-o, --out <dir>', 'output directory (created; see --force)')
    .addOption(new Option('--type <type>', 'GGUF weight type of the matrices (default f32; tq2_0: BitNet ternary layers at 2 bits)').choices(['f32', 'f16', 'tq2_0']))
    .option('--force', 'replace a non-empty output directory')
    .action(async (modelDir: string, flags: { format: ExportFormatName; out: string; type?: GgufWeightType; force?: boolean }) => {
      const result = await exportCommand({ modelDir, format: flags.format, outDir: flags.out, type: flags.type, force: flags.force });
      io.print(`exported ${modelDir} as ${result.format} to ${result.outDir}: ${result.files.join(', ')}`);
    });
}
