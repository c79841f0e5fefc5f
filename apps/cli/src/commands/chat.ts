import readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { ForgeError, isForgeError } from '@agent-forge/core';
import { CHAT_STOP_STRINGS, EdgeEngine, chatPrompt } from '@agent-forge/edge';
import type { ChatMessage, EdgeEngineOptions, EdgeModel } from '@agent-forge/edge';
import type { Command } from 'commander';
import { loadEdgeModel, type LoadModelOptions } from '../load-model.js';
import { openRuntime, type OpenRuntime, type RuntimeName } from '../runtimes/index.js';
import type { ProgramIo } from '../program.js';
import type { SignalSource } from '../stop-signals.js';
import { addEdgeOptions, positiveInt, startEdgeEngine, type EdgeFlags } from './edge-options.js';

/**
 * One conversation: its history, laid out in the training format, trimmed from the oldest turn when it
 * no longer fits the context with room for an answer.
 */
export class ChatSession {
  private history: ChatMessage[] = [];
  private readonly engine: EdgeEngine;

  constructor(
    readonly edgeModel: EdgeModel,
    private readonly settings: { maxTokens: number; temperature: number },
    engineOptions: EdgeEngineOptions = {},
  ) {
    this.engine = new EdgeEngine(edgeModel, engineOptions);
  }

  reset(): void {
    this.history = [];
  }

  /** Answers `text`, writing the reply as it is generated; aborting `signal` stops it early. */
  async reply(
    text: string,
    write: (piece: string) => void,
    signal?: AbortSignal,
  ): Promise<{ tokens: number; ms: number; stopped: boolean }> {
    const messages = this.fitting([...this.history, { role: 'user', content: text }]);
    const started = performance.now();
    const result = await this.engine.complete(
      {
        prompt: chatPrompt(messages),
        maxTokens: this.settings.maxTokens,
        temperature: this.settings.temperature,
        stop: CHAT_STOP_STRINGS,
        signal,
      },
      write,
    );
    this.history = [...messages, { role: 'assistant', content: result.text }];
    return {
      tokens: result.completionTokens,
      ms: performance.now() - started,
      stopped: result.summary.stopReason === 'aborted',
    };
  }

  /** The latest turns whose prompt leaves a quarter of the context for the answer. */
  private fitting(messages: ChatMessage[]): ChatMessage[] {
    const budget = Math.max(1, Math.floor((this.engine.contextLength * 3) / 4));
    let kept = messages;
    while (this.engine.tokenCount(chatPrompt(kept)) > budget && kept.length > 1)
      kept = kept.slice(kept.length > 2 ? 2 : 1);
    if (this.engine.tokenCount(chatPrompt(kept)) >= this.engine.contextLength) {
      throw new ForgeError(`the message is too long for the model's context of ${this.engine.contextLength} tokens`, {
        field: 'message',
      });
    }
    return kept;
  }
}

export interface ChatCommandOptions extends LoadModelOptions {
  readonly modelDir: string;
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly input?: Readable;
  readonly output?: Writable;
  /** Where Ctrl-C comes from besides the terminal (default: the process). */
  readonly signals?: SignalSource;
  /** Which runtime generates (default ours). */
  readonly runtime?: RuntimeName;
  /** Threads of that runtime (llama.cpp; default its own choice). */
  readonly threads?: number;
  /** Run the calculator in the loop (default: on with forge's runtime, off with another). */
  readonly calculator?: boolean;
}

const HELP =
  'commands: /reset (forget the conversation), /persona NAME|none (baked models), /exit. Ctrl-C stops an answer.';

/** `forge chat <model>`: an interactive chat in the terminal, answers streamed as they are generated. */
export async function chatCommand(options: ChatCommandOptions): Promise<void> {
  const output = options.output ?? process.stdout;
  const runtimeName = options.runtime ?? 'forge';
  // Another runtime reads the weights to export them: ternary layers are loaded as their float values.
  const edgeModel = await loadEdgeModel(options.modelDir, {
    ...options,
    float: options.float || runtimeName !== 'forge',
  });
  let runtime: OpenRuntime;
  try {
    runtime = await openRuntime(runtimeName, options.modelDir, edgeModel, options.threads, options.calculator);
  } catch (error) {
    edgeModel.dispose();
    throw error;
  }
  const session = new ChatSession(
    edgeModel,
    { maxTokens: options.maxTokens ?? edgeModel.model.config.contextLength, temperature: options.temperature ?? 0 },
    runtime.engineOptions,
  );
  const personas = edgeModel.personas.length ? ` — personas: ${edgeModel.personas.join(', ')}` : '';
  const runtimeNote = runtimeName === 'forge' ? '' : `, ${runtimeName} runtime`;
  output.write(
    `${edgeModel.id} (${edgeModel.kind}${runtimeNote}, context ${edgeModel.model.config.contextLength} tokens)${personas}\n${HELP}\n`,
  );
  const input = options.input ?? process.stdin;
  // A terminal gets line editing and Ctrl-C as a readline event; piped input is read line by line.
  const lines = readline.createInterface({
    input,
    output,
    terminal: input === process.stdin && Boolean(process.stdin.isTTY),
  });
  let answering: AbortController | null = null;
  let idleInterrupts = 0;
  const interrupt = (): void => {
    if (answering) return answering.abort();
    if (++idleInterrupts >= 2) return lines.close();
    output.write('\n(Ctrl-C again, Ctrl-D or /exit to quit)\n');
    lines.prompt();
  };
  const signals = options.signals ?? process;
  lines.on('SIGINT', interrupt);
  signals.on('SIGINT', interrupt);
  lines.setPrompt('you> ');
  try {
    lines.prompt();
    for await (const line of lines) {
      idleInterrupts = 0;
      answering = new AbortController();
      const keepGoing = await handleLine(line.trim(), session, output, answering.signal);
      answering = null;
      if (!keepGoing) break;
      lines.prompt();
    }
  } finally {
    signals.off('SIGINT', interrupt);
    lines.close();
    await runtime.dispose();
    edgeModel.dispose();
  }
}

/** One input line: a command or a message. False ends the chat. */
async function handleLine(line: string, session: ChatSession, output: Writable, signal: AbortSignal): Promise<boolean> {
  if (line === '') return true;
  if (line === '/exit' || line === '/quit') return false;
  if (line === '/reset') {
    session.reset();
    output.write('(conversation cleared)\n');
    return true;
  }
  try {
    if (line.startsWith('/persona')) {
      const name = line.slice('/persona'.length).trim();
      if (!session.edgeModel.usePersona)
        throw new ForgeError('this model has no personas (it is not a baked model)', { field: 'persona' });
      session.edgeModel.usePersona(name === '' || name === 'none' ? null : name);
      output.write(`(persona: ${name || 'none'})\n`);
      return true;
    }
    output.write('model> ');
    const { tokens, ms, stopped } = await session.reply(line, (piece) => output.write(piece), signal);
    output.write(
      `${stopped ? ' [stopped]' : ''}\n(${tokens} tokens, ${(ms / Math.max(tokens, 1)).toFixed(1)} ms/token)\n`,
    );
  } catch (error) {
    if (!isForgeError(error)) throw error;
    output.write(`\nerror: ${error.message}\n`);
  }
  return true;
}

/** Adds `forge chat` to the program. */
export function registerChatCommand(program: Command, io: ProgramIo): void {
  addEdgeOptions(
    program.command('chat').description('chat with a model in the terminal (streamed answers; Ctrl-C stops an answer)'),
  )
    .option('--max-tokens <n>', 'most tokens per answer (default: the context length)', positiveInt)
    .option('--temperature <t>', 'sampling temperature, 0 = greedy (default 0)', Number)
    .action(async (modelDir: string, flags: EdgeFlags & { maxTokens?: number; temperature?: number }) => {
      io.print(`backend: ${await startEdgeEngine(flags)}`);
      await chatCommand({
        modelDir,
        persona: flags.persona,
        float: flags.float,
        maxTokens: flags.maxTokens,
        temperature: flags.temperature,
        signals: io.signals,
        runtime: flags.runtime,
        threads: flags.threads,
        calculator: flags.calculator,
      });
    });
}
