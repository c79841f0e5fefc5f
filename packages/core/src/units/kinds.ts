/**
 * Unit kinds: the registry a worker resolves a unit's `kind` in. Phases register their kinds when
 * their package is imported; `forge worker` imports every phase, so it can run any of them.
 */
import type { ProgressReporter } from '../phase/progress.js';
import { Registry, type RegistryEntry } from '../registry/index.js';
import type { Tracker } from '../track/index.js';
import type { WorkUnit } from './unit.js';

/** What a unit kind gets besides its unit: where the run lives and how to report and stop. */
export interface UnitContext {
  /** Absolute path of the run directory; resolve the unit's paths with `resolveInRun`. */
  readonly runDir: string;
  /** Progress of the unit's own work (training steps…), shown by whoever runs it. */
  readonly progress: ProgressReporter;
  /** Aborted when the process running the unit stops (Ctrl-C). */
  readonly signal: AbortSignal;
  /** Name of the tfjs backend of the process running the unit, e.g. `wasm`. */
  readonly backend: string;
  /** The run's tracker when the unit runs inside the run's own process; a worker elsewhere has none. */
  readonly tracker?: Tracker;
}

/** A registered unit kind: runs one unit and returns its JSON result. */
export interface UnitKind extends RegistryEntry {
  /**
   * Runs `unit` and returns its result (plain JSON). The caller writes it to the unit's output file,
   * so the kind must not: an output file means the unit finished.
   */
  run(unit: WorkUnit, ctx: UnitContext): Promise<unknown>;
}

/** Every unit kind, by name; a phase registers its own (e.g. `baking.bake`) when imported. */
export const unitKinds = new Registry<UnitKind>({ kind: 'work unit kind', field: 'kind' });
