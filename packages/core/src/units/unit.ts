/**
 * A work unit: one independent piece of a phase (a bake, a fitness evaluation, a cognate variant)
 * described by plain JSON, so it can run in this process or on a `forge worker` elsewhere. Everything a
 * unit reads or writes lives in the run directory; paths are relative to it, so any machine that sees
 * the run directory can run the unit.
 */
import path from 'node:path';
import { z } from 'zod';
import { ForgeError } from '../errors.js';

/** Validates a unit description; unknown keys are refused. */
export const WorkUnitSchema = z
  .object({
    /** Registered unit kind that runs it, e.g. `baking.bake`. */
    kind: z.string().min(1),
    /** Unique within the run, e.g. `baking/analyst`; names the unit in progress lines and queue jobs. */
    id: z.string().min(1),
    /** The seed its random choices derive from; nothing depends on which process runs it. */
    seed: z.number().int(),
    /** The kind's own arguments, plain JSON (the kind validates them). */
    args: z.record(z.string(), z.unknown()),
    /** Files or directories the unit reads, relative to the run directory; checked before it runs. */
    inputs: z.array(z.string().min(1)),
    /** Its result file, relative to the run directory, written atomically when the unit finishes. */
    output: z.string().min(1),
  })
  .strict();
/** A parsed unit description: kind, id, seed, JSON args, and its inputs and output in the run directory. */
export type WorkUnit = z.infer<typeof WorkUnitSchema>;

/** What a finished unit leaves in its output file. */
export const UnitOutputSchema = z
  .object({
    /** The unit's kind. */
    kind: z.string().min(1),
    /** The unit's id. */
    id: z.string().min(1),
    /** The kind's result, plain JSON. */
    result: z.unknown(),
  })
  .strict();
/** A parsed unit output file: the unit's kind and id, and the kind's JSON result. */
export type UnitOutput = z.infer<typeof UnitOutputSchema>;

/**
 * `relative` (a path inside the run) as an absolute path under `runDir`; a path that leaves the run
 * directory through `..` is still allowed (an input given with `--input`), an absolute one is refused.
 */
export function resolveInRun(runDir: string, relative: string): string {
  if (path.isAbsolute(relative))
    throw new ForgeError(`unit paths are relative to the run directory, got '${relative}'`, { field: 'unit' });
  return path.resolve(runDir, relative);
}

/** `file` (absolute, or relative to the working directory) as a path relative to `runDir`, for a unit. */
export function relativeToRun(runDir: string, file: string): string {
  return path.relative(path.resolve(runDir), path.resolve(file)) || '.';
}
