/**
 * The runtimes `forge chat` and `forge serve` can generate with (`--runtime`): `forge` (ours, default)
 * and `llama.cpp` (an exported GGUF in node-llama-cpp). A registry of one shape, like the model loaders.
 */
import path from 'node:path';
import { CHECKPOINT_FILES, ModelCheckpointConfigSchema, parseConfig, readJsonFile } from '@agent-forge/core';
import type { EdgeEngineOptions, EdgeModel } from '@agent-forge/edge';
import { startLlamaCppRuntime } from './llama-cpp.js';

/** Names `--runtime` accepts. */
export const RUNTIME_NAMES = ['forge', 'llama.cpp'] as const;
/** A `--runtime` name. */
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** An engine's generator and how to free it. */
export interface OpenRuntime {
  /** Passed to `new EdgeEngine(model, options)`. */
  readonly engineOptions: EdgeEngineOptions;
  /** Frees what the runtime holds (not the edge model). */
  dispose(): Promise<void>;
}

/** `config.json`'s `extensions` of a model directory. */
export async function readModelExtensions(dir: string): Promise<Record<string, unknown>> {
  const file = path.join(dir, CHECKPOINT_FILES.config);
  return parseConfig(ModelCheckpointConfigSchema, await readJsonFile(file), { file }).extensions;
}

/** Starts `name` for `edgeModel` (loaded from `dir`). */
export async function openRuntime(name: RuntimeName, dir: string, edgeModel: EdgeModel, threads?: number): Promise<OpenRuntime> {
  if (name === 'forge') return { engineOptions: {}, dispose: async () => undefined };
  const runtime = await startLlamaCppRuntime(edgeModel, await readModelExtensions(dir), threads);
  return { engineOptions: { generate: runtime.generate }, dispose: () => runtime.dispose() };
}
