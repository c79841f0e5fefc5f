import { Command, Option } from 'commander';
import { silentProgress } from '@agent-forge/core';
import type { ProgressReporter } from '@agent-forge/core';
import { registerChatCommand } from './commands/chat.js';
import { registerDashboardCommand } from './commands/dashboard.js';
import { registerExportCommand } from './commands/export.js';
import { registerGrokfastDemoCommand } from './commands/grokfast-demo.js';
import { infoCommand } from './commands/info.js';
import { mergeCommand } from './commands/merge.js';
import { phaseCommand } from './commands/phase.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { workerCommand } from './commands/worker.js';
import { registerServeCommand } from './commands/serve.js';
import { BackendChoiceSchema, loadPipelineConfig } from './pipeline-config.js';
import type { PipelineConfig } from './pipeline-config.js';
import { terminalProgress } from './progress.js';
import type { SignalSource } from './stop-signals.js';

/** Where the program writes; inject one to run `forge` commands in-process (tests, embedding) and capture their output. */
export interface ProgramIo {
  /** Receives each line of a command's normal output, without a trailing newline (default: `console.log`). */
  print: (line: string) => void;
  /** Progress bars and log lines of long tasks (default: `terminalProgress()`; `--quiet` swaps in a silent one). */
  progress: ProgressReporter;
  /** Where serve, dashboard and chat hear Ctrl-C / SIGTERM (default: the process). */
  signals?: SignalSource;
}

interface CommonFlags {
  config?: string;
  preset?: string;
  seed?: number;
  backend?: string;
  threads?: number;
  runsDir?: string;
  data?: string;
  queue?: string;
  set: string[];
  quiet?: boolean;
}

const backendOption = (): Option =>
  new Option('--backend <name>', 'engine backend (default: auto; env FORGE_BACKEND)').choices(
    BackendChoiceSchema.options,
  );
const intArg = (value: string): number => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new Error(`expected an integer, got '${value}'`);
  return parsed;
};

function addCommonOptions(command: Command): Command {
  return command
    .option('-c, --config <file>', 'YAML config file (see docs/configuration.md)')
    .addOption(new Option('--preset <name>', 'model scale').choices(['tiny', 'small', 'paper']))
    .option('--seed <n>', 'seed for every random choice', intArg)
    .addOption(backendOption())
    .option('--threads <n>', 'wasm threads (default: one per core)', intArg)
    .option('--runs-dir <dir>', 'where runs are stored (default: runs)')
    .option(
      '--data <file>',
      'train on this file: GSM8K-style or {"text"} JSONL, or plain text (default: built-in problems)',
    )
    .option(
      '--queue <url>',
      'send independent units to a BullMQ queue for `forge worker`s, e.g. redis://localhost:6379',
    )
    .option(
      '--set <key=value>',
      'override any config field, e.g. --set phases.bitnet.steps=100',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option('-q, --quiet', 'no progress output');
}

function configFrom(flags: CommonFlags): PipelineConfig {
  return loadPipelineConfig({
    file: flags.config,
    flags: {
      preset: flags.preset,
      seed: flags.seed,
      backend: flags.backend,
      threads: flags.threads,
      runsDir: flags.runsDir,
      data: flags.data,
      queue: flags.queue,
    },
    overrides: flags.set,
  });
}

/** The `forge` command line (commander: subcommands, typed options, generated help). */
export function createProgram(
  io: ProgramIo = { print: (line) => console.log(line), progress: terminalProgress() },
): Command {
  const program = new Command('forge')
    .description('Agent Forge: create small language models on your own machine.')
    .showHelpAfterError();
  registerInfoCommand(program, io);
  registerPipelineCommands(program, io);
  program
    .command('merge')
    .description(
      'merge checkpoints as a mergekit-style YAML config describes (linear, slerp, ties, dare, frankenmerge, dfs, …)',
    )
    .argument('<config>', 'merge config (YAML), e.g. merge.yaml')
    .requiredOption('-o, --out <dir>', 'output checkpoint directory (replaced as a whole)')
    .action((configFile: string, flags: { out: string }) =>
      mergeCommand({ configFile, outDir: flags.out, print: io.print }),
    );
  program
    .command('runs')
    .description('list runs and the state of their phases')
    .option('--runs-dir <dir>', 'where runs are stored', 'runs')
    .action((flags: { runsDir: string }) => runsCommand(flags.runsDir, io.print));
  registerWorkerCommand(program, io);
  registerChatCommand(program, io);
  registerServeCommand(program, io);
  registerExportCommand(program, io);
  registerDashboardCommand(program, io);
  registerGrokfastDemoCommand(program, io);
  return program;
}

/** `forge info`: the engine backend and what this install can do. */
function registerInfoCommand(program: Command, io: ProgramIo): void {
  program
    .command('info')
    .description('show the engine backend, threads, SIMD, versions and which phases are available')
    .addOption(backendOption())
    .option('--threads <n>', 'wasm threads', intArg)
    .option('--json', 'machine-readable output')
    .option('--queue <url>', 'also show this BullMQ queue: workers connected, units waiting, running, failed')
    .action(async (flags: { backend?: string; threads?: number; json?: boolean; queue?: string }) => {
      const config = configFrom({ backend: flags.backend, set: [] });
      await infoCommand({
        backend: config.backend,
        threads: flags.threads,
        queue: flags.queue,
        json: Boolean(flags.json),
        print: io.print,
      });
    });
}

/** `forge run`'s own flags. */
interface RunFlags {
  resume?: string;
  from?: string;
  to?: string;
  input?: string;
  /** False with `--no-effects`. */
  effects: boolean;
  /** True with `--control`, false with `--no-control`, undefined with neither (the preset decides). */
  control?: boolean;
}

/** `--no-effects` / `--control` / `--no-control` as `--set` overrides, so the config file's values yield to them. */
function runFlagOverrides(flags: RunFlags): string[] {
  const overrides = flags.effects ? [] : ['effects.enabled=false'];
  if (flags.control !== undefined) overrides.push(`control.enabled=${flags.control}`);
  return overrides;
}

/** `forge worker`: runs queued work units for `forge run --queue` on this machine. */
function registerWorkerCommand(program: Command, io: ProgramIo): void {
  program
    .command('worker')
    .description('run work units (bakes, fitness evaluations, cognate variants) queued by `forge run --queue`')
    .requiredOption('--queue <url>', 'the BullMQ queue, e.g. redis://localhost:6379')
    .addOption(backendOption())
    .option('--threads <n>', 'wasm threads (default: one per core)', intArg)
    .option(
      '--lock-ms <ms>',
      'lock on a running unit, renewed every half of it: a unit whose worker died is handed on after it lapses (keep it above the longest stretch a unit computes without pausing)',
      intArg,
      60_000,
    )
    .option('--stall-check-ms <ms>', 'how often to look for units whose worker died', intArg, 30_000)
    .option('-q, --quiet', 'no progress bars (unit lines are still printed)')
    .action(
      async (flags: {
        queue: string;
        backend?: string;
        threads?: number;
        lockMs: number;
        stallCheckMs: number;
        quiet?: boolean;
      }) => {
        const config = configFrom({ backend: flags.backend, set: [] });
        await workerCommand({
          url: flags.queue,
          backend: config.backend,
          threads: flags.threads,
          lockMs: flags.lockMs,
          stallCheckMs: flags.stallCheckMs,
          progress: flags.quiet ? silentProgress : io.progress,
          print: io.print,
          signals: io.signals,
        });
      },
    );
}

/** `forge run` (the whole pipeline) and `forge phase` (one phase alone). */
function registerPipelineCommands(program: Command, io: ProgramIo): void {
  const progressFor = (flags: CommonFlags): ProgressReporter => (flags.quiet ? silentProgress : io.progress);
  addCommonOptions(program.command('run').description('run the whole pipeline (or continue one with --resume)'))
    .option('--resume <runId>', 'continue an interrupted run: finished phases are skipped')
    .option('--from <phase>', 'start the pipeline at this phase (needs --input unless it is cognate)')
    .option('--to <phase>', 'stop the pipeline after this phase')
    .option('-i, --input <dir>', 'start from this checkpoint or phase directory')
    .option('--no-effects', "skip measuring every phase's models on one held-out set after the run")
    .option('--control', 'train the equal-compute control after the run (default at small and paper)')
    .option('--no-control', 'do not train the equal-compute control')
    .action(async (flags: CommonFlags & RunFlags) => {
      await runCommand({
        config: configFrom({ ...flags, set: [...flags.set, ...runFlagOverrides(flags)] }),
        resume: flags.resume,
        from: flags.from,
        to: flags.to,
        inputDir: flags.input,
        progress: progressFor(flags),
        print: io.print,
      });
    });
  addCommonOptions(
    program.command('phase').description('run one phase alone').argument('<name>', 'phase name, e.g. bitnet'),
  )
    .option('-i, --input <dir>', "a phase or checkpoint directory holding the previous phase's result.json")
    .action(async (name: string, flags: CommonFlags & { input?: string }) => {
      await phaseCommand({
        name,
        input: flags.input,
        config: configFrom(flags),
        progress: progressFor(flags),
        print: io.print,
      });
    });
}
