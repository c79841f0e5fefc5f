/**
 * `exportModel`: a loaded model and its tokenizer → a directory another tool loads. The formats are a
 * registry of one shape (name, reference, writer); each writes into a staging directory that replaces
 * the output directory as a whole (core's `replaceDirectory`), so a failed export leaves nothing half-written.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ForgeError, Registry, replaceDirectory } from '@agent-forge/core';
import type { BpeTokenizer, ModelConfig, RegistryEntry, TinyTitan } from '@agent-forge/core';
import type { Agreement } from './agreement.js';
import { bitnetTernaryScales } from './bitnet-gguf.js';
import { planMeasuredExport, type ExportApproximation, type ExportPlan } from './export-plan.js';
import { assertExportableExtensions } from './extensions.js';
import { encodeLlamaGguf, type GgufWeightType } from './gguf-export.js';
import { HF_FILES, writeHfModel } from './hf-export.js';
import { llamaTensors, type HostWeight, type LlamaTensor } from './llama-layout.js';
import { encodeOnnxDecoder } from './onnx-export.js';

/** What to export: a loaded model, its tokenizer and the extensions its checkpoint names. */
export interface ExportSource {
  /**
   * The model as `forge chat` runs it (any loader; a BitNet model with its ternary layers as W_q·γ behind
   * BitLinear's activation path, as core's `loadPackedModel` builds it). Its weights are read, not changed;
   * it is run on the probe texts when the export approximates it.
   */
  readonly model: TinyTitan;
  /** The model's tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** The checkpoint's `extensions` (config.json); each is checked against `EXTENSION_POLICIES`. Default none. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** Name recorded in the files (GGUF `general.name`); default the output directory's name. */
  readonly name?: string;
}

/** The formats `exportModel` writes: the built-ins, or any name registered in `EXPORT_FORMATS`. */
export type ExportFormatName = 'hf' | 'gguf' | 'onnx' | (string & {});

/** Options of `exportModel`. */
export interface ExportOptions {
  /** `hf` (🤗 transformers Llama layout), `gguf` (llama.cpp) or `onnx` (onnxruntime, transformers.js). */
  readonly format: ExportFormatName;
  /** Output directory; created, or replaced as a whole when `overwrite` is set. */
  readonly outDir: string;
  /** GGUF weight type of the matrices: `f32` (default), `f16`, or `tq2_0` (BitNet models' ternary layers). Only for `gguf`. */
  readonly weightType?: GgufWeightType;
  /** Replace a non-empty `outDir`; without it a non-empty directory is an error. */
  readonly overwrite?: boolean;
  /** ACT models (titan): how many times the block stack is applied; default the depth that agrees best with ours (measured). */
  readonly actDepth?: number;
  /** Measure an approximated export's agreement with ours (`ExportResult.agreement`); default true. */
  readonly measure?: boolean;
}

/** What `exportModel` wrote. */
export interface ExportResult {
  /** The format written. */
  readonly format: ExportFormatName;
  /** The output directory. */
  readonly outDir: string;
  /** The files in it, by name. */
  readonly files: readonly string[];
  /** How the exported model differs from ours; empty when it computes what `forge chat` does. */
  readonly approximations: readonly ExportApproximation[];
  /** With approximations: the exported graph's agreement with ours on the probe texts, measured in our runtime. */
  readonly agreement?: Agreement;
  /** ACT models: the depth the block stack was unrolled to. */
  readonly actDepth?: number;
}

/** The model, ready for a format writer. */
export interface PreparedModel {
  /** The validated architecture. */
  readonly config: ModelConfig;
  /** Every weight under its Llama names, `[out, in]`. */
  readonly tensors: readonly LlamaTensor[];
  /** Every weight under our names as the model holds them (`[in, out]` matrices). */
  readonly weights: ReadonlyMap<string, HostWeight>;
  /** The tokenizer. */
  readonly tokenizer: BpeTokenizer;
  /** Name recorded in the files. */
  readonly name: string;
  /** For a BitNet model: γ by GGUF tensor name of each ternary layer. */
  readonly ternary?: ReadonlyMap<string, number>;
}

/** One export format: its name, the specification it follows (`referenceUrl`), and its writer. */
export interface ExportFormat extends RegistryEntry {
  /** Its `--format` name. */
  readonly name: ExportFormatName;
  /** Writes BitNet models as llama.cpp's `bitnet` graph (ternary kept; head read from the embedding); else dequantized. */
  readonly bitnetGraph?: boolean;
  /** Writes the files into the empty directory `dir` and returns their names. */
  write(dir: string, model: PreparedModel, options: ExportOptions): Promise<string[]>;
}

/** Every export format, by `--format` name; `EXPORT_FORMATS.register(format)` adds one from outside. */
export const EXPORT_FORMATS = new Registry<ExportFormat>({
  kind: 'export format',
  field: 'format',
  entries: [
    {
      name: 'hf',
      displayName: '🤗 transformers Llama',
      referenceUrl: 'https://huggingface.co/docs/transformers/model_doc/llama',
      write: async (dir, model) => {
        await writeHfModel(dir, model);
        return [...HF_FILES];
      },
    },
    {
      name: 'onnx',
      displayName: 'ONNX decoder with past (as 🤗 optimum exports it)',
      referenceUrl: 'https://onnx.ai/onnx/repo-docs/IR.html',
      write: async (dir, model) => {
        await writeHfModel(dir, model, { weights: false });
        await mkdir(path.join(dir, 'onnx'));
        await writeFile(path.join(dir, ONNX_FILE), encodeOnnxDecoder(model));
        return [...HF_FILES.filter((file) => file !== 'model.safetensors'), ONNX_FILE];
      },
    },
    {
      name: 'gguf',
      displayName: 'GGUF (llama.cpp)',
      referenceUrl: 'https://github.com/ggml-org/ggml/blob/master/docs/gguf.md',
      bitnetGraph: true,
      write: async (dir, model, options) => {
        const chunks = encodeLlamaGguf({ ...model, type: options.weightType ?? 'f32' });
        await writeFile(path.join(dir, 'model.gguf'), chunks);
        return ['model.gguf'];
      },
    },
  ],
});

/** The ONNX graph's path inside an `onnx` export (where transformers.js looks for it). */
export const ONNX_FILE = 'onnx/model.onnx';

/** The plan's weights mapped to a Llama (refusing configs a Llama cannot express), ready for a writer. */
export function prepareModel(plan: ExportPlan, tokenizer: BpeTokenizer, name: string): PreparedModel {
  const tensors = llamaTensors(plan.config, plan.weights);
  const ternary = plan.bitnet === undefined ? undefined : bitnetTernaryScales(plan.bitnet, plan.config, tensors);
  return { config: plan.config, tensors, weights: plan.weights, tokenizer, name, ternary };
}

async function assertWritable(outDir: string, overwrite: boolean): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(outDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ForgeError(`cannot use the output directory: ${(error as Error).message}`, {
      file: outDir,
      cause: error,
    });
  }
  if (entries.length > 0 && !overwrite) {
    throw new ForgeError(
      'the output directory is not empty; choose another or pass overwrite (--force) to replace it',
      { file: outDir },
    );
  }
}

/** Exports `source` as `options.format` into `options.outDir`. */
export async function exportModel(source: ExportSource, options: ExportOptions): Promise<ExportResult> {
  const format = EXPORT_FORMATS.get(options.format);
  if (options.weightType !== undefined && options.format !== 'gguf') {
    throw new ForgeError(`weightType is a GGUF setting; the '${options.format}' export is float32`, {
      field: 'weightType',
    });
  }
  const extensions = source.extensions ?? {};
  assertExportableExtensions(extensions);
  await assertWritable(options.outDir, options.overwrite ?? false);
  const { plan, agreement } = await planMeasuredExport(
    { model: source.model, tokenizer: source.tokenizer, extensions },
    { bitnetGraph: format.bitnetGraph ?? false, actDepth: options.actDepth, measure: options.measure },
  );
  const prepared = prepareModel(plan, source.tokenizer, source.name ?? path.basename(path.resolve(options.outDir)));
  let files: string[] = [];
  await replaceDirectory(options.outDir, async (staging) => {
    files = await format.write(staging, prepared, options);
  });
  const actDepth = extensions.titan === undefined ? undefined : plan.actDepth;
  return {
    format: options.format,
    outDir: options.outDir,
    files,
    approximations: plan.approximations,
    agreement,
    actDepth,
  };
}
