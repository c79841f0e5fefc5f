import path from 'node:path';
import { mergeCheckpoints, parseMergeConfig } from '@agent-forge/evomerge';
import { readConfigFile } from '../pipeline-config.js';

/**
 * `forge merge merge.yaml -o out/`: merge checkpoints as a mergekit config describes, with mergekit's
 * semantics (see docs/phases/evomerge.md, "Coming from mergekit"). Models are TinyTitan checkpoints or
 * Hugging Face directories (single or sharded safetensors); paths are relative to the working
 * directory, as in mergekit. A key the merge does not honour is an error naming it.
 */
export async function mergeCommand(options: {
  configFile: string;
  outDir: string;
  print: (line: string) => void;
}): Promise<void> {
  const started = performance.now();
  const config = parseMergeConfig(readConfigFile(options.configFile), { file: options.configFile });
  const summary = await mergeCheckpoints(config, { outDir: options.outDir, configFile: options.configFile });
  const seconds = (performance.now() - started) / 1000;
  const megabytes = summary.bytesRead / 1e6;
  options.print(
    `merged with ${summary.method}: ${summary.tensors} tensors, ${summary.layerCount} layers → ${path.relative(process.cwd(), summary.outDir) || '.'}` +
      ` (${megabytes.toFixed(1)} MB read in ${seconds.toFixed(2)} s, ${(megabytes / Math.max(seconds, 1e-9)).toFixed(1)} MB/s)`,
  );
}
