/** What a queue job carries: the unit and the run directory its paths are relative to. */
import { createHash } from 'node:crypto';
import { WorkUnitSchema, parseConfig } from '@agent-forge/core';
import type { WorkUnit } from '@agent-forge/core';
import { z } from 'zod';

/** Validates a job's data as the worker receives it. */
export const UnitJobDataSchema = z
  .object({
    /** Absolute path of the run directory, as the submitting machine sees it (a shared path). */
    runDir: z.string().min(1),
    /** The unit to run. */
    unit: WorkUnitSchema,
  })
  .strict();
/** A parsed job payload: run directory and unit. */
export type UnitJobData = z.infer<typeof UnitJobDataSchema>;

/** The job payload after validation; a malformed job names itself. */
export function parseJobData(data: unknown, jobId: string | undefined): UnitJobData {
  return parseConfig(UnitJobDataSchema, data, { prefix: `job ${jobId ?? '?'}` });
}

/**
 * One job id per (run, unit): adding a unit again while its job waits or runs is a no-op in BullMQ,
 * so two submitters cannot queue the same unit twice. Hashed, as BullMQ ids must not contain ':'.
 */
export function jobIdOf(runDir: string, unit: WorkUnit): string {
  return `u-${createHash('sha256').update(`${runDir}\0${unit.id}`).digest('hex').slice(0, 32)}`;
}
