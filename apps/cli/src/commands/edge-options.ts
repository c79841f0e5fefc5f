import { Option, type Command } from 'commander';
import { startEngine } from '../engine.js';
import { BackendChoiceSchema, type BackendChoice } from '../pipeline-config.js';
import { RUNTIME_NAMES, type RuntimeName } from '../runtimes/index.js';

/** Flags `forge chat` and `forge serve` share: the backend and how the model runs. */
export interface EdgeFlags {
  backend?: BackendChoice;
  threads?: number;
  persona?: string;
  float?: boolean;
  runtime?: RuntimeName;
  calculator?: boolean;
}

export const positiveInt = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`expected a non-negative integer, got '${value}'`);
  return parsed;
};

export function addEdgeOptions(command: Command): Command {
  return command
    .argument('<model>', 'model directory: a compressed, deployable (edge), baked, BitNet or plain checkpoint')
    .addOption(
      new Option('--backend <name>', 'engine backend (default: auto; env FORGE_BACKEND)').choices(
        BackendChoiceSchema.options,
      ),
    )
    .option(
      '--threads <n>',
      'wasm threads, and the threads of --runtime llama.cpp or onnxruntime (default: one per core)',
      positiveInt,
    )
    .option('--persona <name>', 'persona to start with (baked models, and compressed ones made from them)')
    .option('--float', 'run ternary layers as dequantized F32 on the backend instead of the packed 2-bit kernel')
    .addOption(
      new Option(
        '--runtime <name>',
        'generate with forge (default), llama.cpp (the model exported to GGUF, run by node-llama-cpp) or onnxruntime (exported to ONNX, run by onnxruntime-node; greedy only)',
      ).choices(RUNTIME_NAMES),
    )
    .option(
      '--calculator',
      "run the calculator in the loop: `<<48/2=` is completed with `24>>` (default with forge's runtime)",
    )
    .option('--no-calculator', 'generate without the calculator');
}

/** Starts the backend the flags ask for and returns its one-line summary. */
export async function startEdgeEngine(flags: EdgeFlags): Promise<string> {
  return (await startEngine(flags.backend ?? 'auto', flags.threads)).summary;
}
