import { ForgeError, PHASE_NAMES, readPhaseResult } from '@agent-forge/core';
import type { Phase, ProgressReporter } from '@agent-forge/core';
import type { PipelineConfig } from '../pipeline-config.js';
import { REGISTERED_PHASES, findPhase } from '../phases.js';
import { runCommand } from './run.js';

/** `forge phase <name> --input <dir>`: one phase alone, in a run of its own. */
export async function phaseCommand(options: {
  name: string;
  input?: string;
  config: PipelineConfig;
  progress: ProgressReporter;
  print: (line: string) => void;
  /** The phases this version implements (default: REGISTERED_PHASES). */
  registered?: readonly Phase[];
}): Promise<void> {
  const { name } = options;
  if (!(PHASE_NAMES as readonly string[]).includes(name)) {
    throw new ForgeError(`unknown phase '${name}' (phases: ${PHASE_NAMES.join(', ')})`);
  }
  const registered = options.registered ?? REGISTERED_PHASES;
  const phase = findPhase(name, registered);
  if (!phase) {
    const available = registered.map((p) => p.name).join(', ') || 'none yet';
    throw new ForgeError(`phase '${name}' is not implemented in this version (available: ${available})`);
  }
  const input = options.input ? readPhaseResult(options.input) : null;
  await runCommand({
    config: options.config,
    phases: [phase],
    input,
    progress: options.progress,
    print: options.print,
  });
}
