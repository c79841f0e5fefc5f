import { PHASE_NAMES } from '@agent-forge/core';
import { describeEngine, engineLines, startEngine } from '../engine.js';
import type { BackendChoice } from '../pipeline-config.js';
import { REGISTERED_PHASES } from '../phases.js';

/** `forge info`: the engine the pipeline would use, and which phases this version implements. */
export async function infoCommand(options: {
  backend: BackendChoice;
  threads?: number;
  json: boolean;
  print: (line: string) => void;
}): Promise<void> {
  await startEngine(options.backend, options.threads);
  const engine = describeEngine();
  const phases = PHASE_NAMES.map((name) => ({ name, implemented: REGISTERED_PHASES.some((p) => p.name === name) }));
  if (options.json) {
    options.print(JSON.stringify({ ...engine, phases }, null, 2));
    return;
  }
  for (const [key, value] of engineLines(engine)) options.print(`${key.padEnd(16)} ${value}`);
  options.print(
    `${'phases'.padEnd(16)} ${phases.map((p) => `${p.name}${p.implemented ? '' : ' (not yet)'}`).join(', ')}`,
  );
}
