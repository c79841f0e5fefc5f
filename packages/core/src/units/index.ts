/** Work units: independent pieces of a phase, run in this process or by `forge worker`s over a queue. */
export { executeUnit, readUnitOutput } from './execute.js';
export { inProcessExecutor, runUnits, type UnitExecution, type UnitExecutor } from './executor.js';
export { unitKinds, type UnitContext, type UnitKind } from './kinds.js';
export {
  UnitOutputSchema,
  WorkUnitSchema,
  relativeToRun,
  resolveInRun,
  type UnitOutput,
  type WorkUnit,
} from './unit.js';
