/**
 * `forge grokfast-demo`: the Grokfast paper's own experiment (a∘b mod p with half the table for
 * training), baseline vs the MA and EMA filters, steps to 95% validation accuracy per seed. The
 * defaults are the paper's; a 2-core CPU needs hours for them, so the flags scale it down.
 */
import type { Command } from 'commander';
import { grokfastTable, runGrokfastDemo } from '@agent-forge/forge-train';
import { startEngine } from '../engine.js';
import type { ProgramIo } from '../program.js';

interface DemoFlags {
  operation: string;
  modulus: string;
  seeds: string;
  maxSteps: string;
  dModel?: string;
  batch?: string;
}

export function registerGrokfastDemoCommand(program: Command, io: ProgramIo): void {
  program
    .command('grokfast-demo')
    .description('reproduce Grokfast on modular arithmetic: steps to 95% validation accuracy, baseline vs MA vs EMA')
    .option('--operation <op>', 'multiply or add', 'multiply')
    .option('--modulus <p>', 'the modulus', '97')
    .option('--seeds <list>', 'comma-separated seeds', '0,1,2')
    .option('--max-steps <n>', 'step cap per run', '3000')
    .option('--d-model <n>', 'model width (paper: 128)')
    .option('--batch <n>', 'batch size (paper: 512)')
    .action(async (flags: DemoFlags) => {
      const engine = await startEngine('auto', undefined);
      io.progress.log(`backend: ${engine.summary}`);
      const result = runGrokfastDemo(
        {
          operation: flags.operation as 'multiply' | 'add',
          modulus: Number(flags.modulus),
          seeds: flags.seeds.split(',').map(Number),
          maxSteps: Number(flags.maxSteps),
          ...(flags.dModel ? { dModel: Number(flags.dModel) } : {}),
          ...(flags.batch ? { batchSize: Number(flags.batch) } : {}),
        },
        (event) =>
          io.progress.log(
            `${event.arm} seed ${event.seed} step ${event.step}: validation accuracy ${(event.validationAccuracy * 100).toFixed(1)}%`,
          ),
      );
      io.print(grokfastTable(result.options, result.runs));
    });
}
