import { EdgeEngine, serveModel } from '@agent-forge/edge';
import type { RunningServer } from '@agent-forge/edge';
import type { Command } from 'commander';
import { loadEdgeModel, type LoadModelOptions } from '../load-model.js';
import { openRuntime, type OpenRuntime, type RuntimeName } from '../runtimes/index.js';
import type { ProgramIo } from '../program.js';
import { type SignalSource, untilStopSignal } from '../stop-signals.js';
import { addEdgeOptions, positiveInt, startEdgeEngine, type EdgeFlags } from './edge-options.js';

export interface ServeCommandOptions extends LoadModelOptions {
  readonly modelDir: string;
  readonly port: number;
  readonly host?: string;
  readonly print: (line: string) => void;
  /** Log each request. */
  readonly verbose?: boolean;
  /** Where the stop signal comes from (default: the process). */
  readonly signals?: SignalSource;
  /** Which runtime generates (default ours). */
  readonly runtime?: RuntimeName;
  /** Threads of that runtime (llama.cpp; default its own choice). */
  readonly threads?: number;
  /** Run the calculator in the loop (default: on with forge's runtime, off with another). */
  readonly calculator?: boolean;
}

/**
 * `forge serve <model> --port N`: loads the model once and serves the OpenAI-compatible API. Returns
 * the running server and a `stop` that closes it and frees the model.
 */
export async function startServe(
  options: ServeCommandOptions,
): Promise<{ server: RunningServer; stop: () => Promise<void> }> {
  const runtimeName = options.runtime ?? 'forge';
  // Another runtime reads the weights to export them: ternary layers are loaded as their float values.
  const edgeModel = await loadEdgeModel(options.modelDir, {
    ...options,
    float: options.float || runtimeName !== 'forge',
  });
  let server: RunningServer;
  let runtime: OpenRuntime | undefined;
  try {
    runtime = await openRuntime(runtimeName, options.modelDir, edgeModel, options.threads, options.calculator);
    server = await serveModel(new EdgeEngine(edgeModel, runtime.engineOptions), {
      port: options.port,
      host: options.host,
      onRequest: options.verbose ? options.print : undefined,
    });
  } catch (error) {
    await runtime?.dispose();
    edgeModel.dispose();
    throw error;
  }
  const openedRuntime = runtime;
  options.print(
    `serving ${edgeModel.id} (${edgeModel.kind}${edgeModel.personas.length ? `, personas: ${edgeModel.personas.join(', ')}` : ''}) at ${server.url}/v1`,
  );
  options.print(
    `  try: curl ${server.url}/v1/completions -H 'Content-Type: application/json' -d '{"model": "${edgeModel.id}", "prompt": "Question: 2 + 3?\\nAnswer:", "max_tokens": 32}'`,
  );
  return {
    server,
    stop: async () => {
      await server.close();
      await openedRuntime.dispose();
      edgeModel.dispose();
    },
  };
}

/** Serves until SIGINT/SIGTERM, then closes the server. */
export async function serveCommand(options: ServeCommandOptions): Promise<void> {
  const { stop } = await startServe(options);
  await untilStopSignal(options.signals);
  options.print('stopping the server');
  await stop();
}

/** Adds `forge serve` to the program. */
export function registerServeCommand(program: Command, io: ProgramIo): void {
  addEdgeOptions(
    program
      .command('serve')
      .description(
        'serve a model over an OpenAI-compatible HTTP API (/v1/completions, /v1/chat/completions, /v1/models, /health)',
      ),
  )
    .option('--port <n>', 'port to listen on (0: any free port)', positiveInt, 8080)
    .option('--host <address>', 'address to bind (default 127.0.0.1: this machine only)', '127.0.0.1')
    .option('-v, --verbose', 'log every request')
    .action(async (modelDir: string, flags: EdgeFlags & { port: number; host: string; verbose?: boolean }) => {
      io.print(`backend: ${await startEdgeEngine(flags)}`);
      await serveCommand({
        modelDir,
        port: flags.port,
        host: flags.host,
        persona: flags.persona,
        float: flags.float,
        verbose: flags.verbose,
        print: io.print,
        signals: io.signals,
        runtime: flags.runtime,
        threads: flags.threads,
        calculator: flags.calculator,
      });
    });
}
