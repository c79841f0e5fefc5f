/** Running one unit where it is taken (this process or a worker) and reading back what it left. */
import { existsSync } from 'node:fs';
import { ForgeError } from '../errors.js';
import { writeJsonAtomic } from '../io/atomic.js';
import { readJsonFile } from '../io/read-json.js';
import { parseConfig } from '../phase/config.js';
import { unitKinds, type UnitContext } from './kinds.js';
import { UnitOutputSchema, resolveInRun, type UnitOutput, type WorkUnit } from './unit.js';

/**
 * Runs `unit` with its registered kind and writes its output file atomically. A missing input is a
 * ForgeError naming the file: on another machine that means the run directory is not shared.
 */
export async function executeUnit(unit: WorkUnit, ctx: UnitContext): Promise<void> {
  const kind = unitKinds.get(unit.kind);
  for (const input of unit.inputs) {
    const file = resolveInRun(ctx.runDir, input);
    if (!existsSync(file))
      throw new ForgeError(
        `input of unit '${unit.id}' is missing here (is the run directory shared with this machine?)`,
        { file },
      );
  }
  const result = await kind.run(unit, ctx);
  const output: UnitOutput = { kind: unit.kind, id: unit.id, result };
  await writeJsonAtomic(resolveInRun(ctx.runDir, unit.output), output);
}

/** The output `unit` left in `runDir`, or undefined when it has not finished; one of another unit is an error. */
export async function readUnitOutput(runDir: string, unit: WorkUnit): Promise<UnitOutput | undefined> {
  const file = resolveInRun(runDir, unit.output);
  const raw = await readJsonFile(file, { required: false });
  if (raw === undefined) return undefined;
  const output = parseConfig(UnitOutputSchema, raw, { file });
  if (output.id !== unit.id || output.kind !== unit.kind)
    throw new ForgeError(`holds the output of unit '${output.id}' (${output.kind}), not of '${unit.id}'`, { file });
  return output;
}
