import { PHASE_NAMES } from '@agent-forge/core';
import { describeEngine, engineLines, startEngine } from '../engine.js';
import type { BackendChoice } from '../pipeline-config.js';
import { REGISTERED_PHASES } from '../phases.js';
import { queueStatus } from '../queue/status.js';

/** `forge info`: the engine the pipeline would use, and which phases this version implements. */
export async function infoCommand(options: {
  backend: BackendChoice;
  threads?: number;
  /** A queue URL: show its workers and units too. */
  queue?: string;
  json: boolean;
  print: (line: string) => void;
}): Promise<void> {
  await startEngine(options.backend, options.threads);
  const engine = describeEngine();
  const phases = PHASE_NAMES.map((name) => ({ name, implemented: REGISTERED_PHASES.some((p) => p.name === name) }));
  const queue = options.queue === undefined ? undefined : await queueStatus(options.queue);
  if (options.json) {
    options.print(JSON.stringify({ ...engine, phases, ...(queue ? { queue } : {}) }, null, 2));
    return;
  }
  for (const [key, value] of engineLines(engine)) options.print(`${key.padEnd(16)} ${value}`);
  options.print(
    `${'phases'.padEnd(16)} ${phases.map((p) => `${p.name}${p.implemented ? '' : ' (not yet)'}`).join(', ')}`,
  );
  if (queue) {
    options.print(
      `${'queue'.padEnd(16)} ${queue.url}: ${queue.workers} worker(s) connected; units ${queue.waiting} waiting, ${queue.active} running, ${queue.failed} failed, ${queue.completed} finished in the last hour`,
    );
  }
}
