/**
 * Executors run a phase's pending units: in this process one after another (the default, as phases
 * always ran), or elsewhere (the CLI's BullMQ executor hands them to `forge worker` processes).
 * Either way a unit is done when its output file exists, and `runUnits` reads the results from there.
 */
import path from 'node:path';
import type { ProgressReporter } from '../phase/progress.js';
import type { PhaseContext } from '../phase/types.js';
import type { Tracker } from '../track/index.js';
import { executeUnit, readUnitOutput } from './execute.js';
import type { WorkUnit } from './unit.js';

/** What an executor is told besides the units. */
export interface UnitExecution {
  /** Absolute path of the run directory the units' paths are relative to. */
  readonly runDir: string;
  /** Progress of the units' own work when they run in this process. */
  readonly progress: ProgressReporter;
  /** Aborted on Ctrl-C: stop waiting (and running) at the next safe point. */
  readonly signal: AbortSignal;
  /** The tfjs backend of this process, for units run here. */
  readonly backend: string;
  /** The run's tracker, for units run in this process. */
  readonly tracker: Tracker;
  /** Called once per unit as it finishes (its output file written). */
  readonly onFinished: (unit: WorkUnit) => void;
}

/** Runs units until each has written its output file, or throws. */
export interface UnitExecutor {
  /** Shown in logs and `forge info`, e.g. `in-process` or `bullmq redis://localhost:6379`. */
  readonly name: string;
  /** Runs every unit of `units` (none has an output yet); resolves once all outputs are written. */
  execute(units: readonly WorkUnit[], execution: UnitExecution): Promise<void>;
}

/** Runs units here, one after another, in the order given: exactly how phases ran their work before units. */
export const inProcessExecutor: UnitExecutor = {
  name: 'in-process',
  async execute(units, execution) {
    for (const unit of units) {
      await executeUnit(unit, execution);
      execution.onFinished(unit);
    }
  },
};

/**
 * Runs a phase's independent `units` with the context's executor (in-process unless the run was given
 * a queue) and returns their results in order. A unit whose output file already exists (a resumed
 * run) is not run again. `parse` checks each result's shape.
 */
export async function runUnits<R>(
  ctx: PhaseContext,
  units: readonly WorkUnit[],
  options: { label: string; parse: (result: unknown, unit: WorkUnit) => R },
): Promise<R[]> {
  const runDir = path.resolve(ctx.runDir);
  const finished = await Promise.all(units.map((unit) => readUnitOutput(runDir, unit)));
  const pending = units.filter((_, index) => finished[index] === undefined);
  const executor = ctx.units ?? inProcessExecutor;
  const task = ctx.progress.start(options.label, units.length);
  if (pending.length < units.length) {
    task.tick(units.length - pending.length, { reused: units.length - pending.length });
  }
  try {
    await executor.execute(pending, {
      runDir,
      progress: ctx.progress,
      signal: ctx.signal,
      backend: ctx.backend,
      tracker: ctx.tracker,
      onFinished: (unit) => task.tick(1, { unit: unit.id }),
    });
  } finally {
    task.done();
  }
  const results: R[] = [];
  for (const [index, unit] of units.entries()) {
    const output = finished[index] ?? (await readUnitOutput(runDir, unit));
    if (output === undefined) throw new Error(`unit '${unit.id}' finished without its output ${unit.output}`);
    results.push(options.parse(output.result, unit));
  }
  return results;
}
