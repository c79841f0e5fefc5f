import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { PIPELINE_FILE, readPipelineState } from '@agent-forge/core';

/** `forge runs`: every run under the runs directory, newest first, with each phase's status. */
export function runsCommand(runsDir: string, print: (line: string) => void): void {
  if (!existsSync(runsDir)) {
    print(`no runs yet (${runsDir} does not exist)`);
    return;
  }
  const ids = readdirSync(runsDir)
    .filter((id) => existsSync(path.join(runsDir, id, PIPELINE_FILE)))
    .sort()
    .reverse();
  if (ids.length === 0) print(`no runs in ${runsDir}`);
  for (const id of ids) {
    const state = readPipelineState(path.join(runsDir, id));
    const phases = state.phases.map((p) => `${p.name}:${p.status}`).join(' ');
    print(`${id}  preset=${state.preset} seed=${state.seed}  ${phases}`);
  }
}
