/**
 * `forge grokfast-demo`: the Grokfast paper's own experiment at the reference's own setting
 * (ironjr/grokfast: x·y mod 97, half the table for training, the 2-layer width-128 decoder, Adam with
 * each README run's coupled L2 weight decay, batch 512, validation once per epoch): baseline vs the MA
 * and EMA filters, steps to 95% validation accuracy per seed. The filtered arms need ~1k steps; the
 * baseline ~40k (hours on a CPU), so `--arms ma,ema` or a `--max-steps` cap keep a run short.
 */
import type { Command } from 'commander';
import { PAPER_ARMS, grokfastTable, runGrokfastDemo } from '@agent-forge/forge-train';
import { startEngine } from '../engine.js';
import type { ProgramIo } from '../program.js';

interface DemoFlags {
  operation: string;
  modulus: string;
  seeds: string;
  arms: string;
  maxSteps: string;
  dModel?: string;
  batch?: string;
}

/** The README runs named by `--arms` (baseline, ma, ema); an unknown name is an error naming the flag. */
function pickArms(list: string): (typeof PAPER_ARMS)[number][] {
  return list.split(',').map((name) => {
    const arm = PAPER_ARMS.find((candidate) => (candidate.filter ?? 'baseline') === name);
    if (!arm) throw new Error(`--arms: unknown arm '${name}' (expected baseline, ma, ema)`);
    return arm;
  });
}

export function registerGrokfastDemoCommand(program: Command, io: ProgramIo): void {
  program
    .command('grokfast-demo')
    .description('reproduce Grokfast on modular arithmetic: steps to 95% validation accuracy, baseline vs MA vs EMA')
    .option('--operation <op>', 'multiply (the paper) or add', 'multiply')
    .option('--modulus <p>', 'the modulus', '97')
    .option('--seeds <list>', 'comma-separated seeds', '0,1,2')
    .option('--arms <list>', 'runs of the reference README: baseline, ma, ema', 'baseline,ma,ema')
    .option('--max-steps <n>', 'step cap per run (the reference budget)', '300000')
    .option('--d-model <n>', 'model width (paper: 128)')
    .option('--batch <n>', 'batch size (paper: 512)')
    .action(async (flags: DemoFlags) => {
      const arms = pickArms(flags.arms);
      const engine = await startEngine('auto', undefined);
      io.progress.log(`backend: ${engine.summary}`);
      const result = await runGrokfastDemo(
        {
          operation: flags.operation as 'multiply' | 'add',
          modulus: Number(flags.modulus),
          seeds: flags.seeds.split(',').map(Number),
          arms,
          maxSteps: Number(flags.maxSteps),
          ...(flags.dModel ? { dModel: Number(flags.dModel) } : {}),
          ...(flags.batch ? { batchSize: Number(flags.batch) } : {}),
        },
        (event) =>
          io.progress.log(
            `${event.arm} seed ${event.seed} step ${event.step}: train accuracy ${(event.trainAccuracy * 100).toFixed(1)}%, validation accuracy ${(event.validationAccuracy * 100).toFixed(1)}%`,
          ),
      );
      io.print(grokfastTable(result.options, result.runs));
    });
}
