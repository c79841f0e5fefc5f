import { ForgeError, PHASE_NAMES, readPhaseResult } from '@agent-forge/core';
import type { ProgressReporter } from '@agent-forge/core';
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
}): Promise<void> {
  const { name } = options;
  if (!(PHASE_NAMES as readonly string[]).includes(name)) {
    throw new ForgeError(`unknown phase '${name}' (phases: ${PHASE_NAMES.join(', ')})`);
  }
  const phase = findPhase(name);
  if (!phase) {
    const available = REGISTERED_PHASES.map((p) => p.name).join(', ') || 'none yet';
    throw new ForgeError(`phase '${name}' is not implemented in this version (available: ${available})`);
  }
  const input = options.input ? readPhaseResult(options.input) : null;
  await runCommand({ config: options.config, phases: [phase], input, progress: options.progress, print: options.print });
}
