import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The real CLI in a child process, so the signal goes through Node's own SIGINT delivery.
const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const STEPS = 12;
const ARGS = [
  'run',
  '--preset',
  'tiny',
  '--to',
  'cognate',
  '--seed',
  '5',
  // No periodic checkpoint before the end: the only mid-run state is the one the interrupt writes.
  '--no-effects',
  '--set',
  `phases.cognate.steps=${STEPS}`,
  // The trunk trains first; the interrupt lands in the first specialist, which trains as many steps.
  '--set',
  `phases.cognate.specialistSteps=${STEPS}`,
  '--set',
  'phases.cognate.checkpointEvery=1000',
  '--set',
  'phases.cognate.logEvery=1',
  // The evaluations after training at their smallest: this test is about where training stops and resumes.
  ...['evalWindows=1', 'evalProblems=0', 'maxNewTokens=2', 'skillEvalProblems=1', 'curriculumProblems=200'].flatMap(
    (setting) => ['--set', `phases.cognate.${setting}`],
  ),
];

interface Finished {
  code: number | null;
  output: string;
  signalledAtStep?: number;
}

/** Runs the CLI; when `interruptAtStep` is given, sends one SIGINT once the first model reports that step. */
function runForge(args: string[], interruptAtStep?: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    let signalledAtStep: number | undefined;
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const steps = [...output.matchAll(/cognate:reasoning training: (\d+)\//g)].map((m) => Number(m[1]));
      const reached = Math.max(0, ...steps);
      if (interruptAtStep !== undefined && signalledAtStep === undefined && reached >= interruptAtStep) {
        signalledAtStep = reached;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, signalledAtStep }));
  });
}

const runIdIn = (output: string): string => {
  const id = /forge run --resume (\S+)/.exec(output)?.[1];
  if (!id) throw new Error(`no resume hint in the output:\n${output}`);
  return id;
};

describe('Ctrl-C during a run', () => {
  it('stops after the current step with a saved state, and --resume continues from that step', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-sigint-'));
    const stopped = await runForge([...ARGS, '--runs-dir', runsDir], 3);
    expect(stopped.signalledAtStep).toBeGreaterThanOrEqual(3);
    expect(stopped.code).not.toBe(0);
    expect(stopped.output).toMatch(/interrupt: stopping after the current step/);
    expect(stopped.output).toMatch(/training interrupted at step \d+; state saved/);
    const savedAt = Number(/training interrupted at step (\d+)/.exec(stopped.output)?.[1]);
    // It finished the step it was in (or the next one) instead of dying mid-step, and did not run on.
    expect(savedAt).toBeGreaterThanOrEqual(stopped.signalledAtStep ?? 0);
    expect(savedAt).toBeLessThan(STEPS);

    const runId = runIdIn(stopped.output);
    const statePath = path.join(runsDir, runId, 'pipeline.json');
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { phases: { name: string; status: string }[] };
    expect(state.phases.find((p) => p.name === 'cognate')?.status).toBe('interrupted');

    const resumed = await runForge(['run', '--resume', runId, '--runs-dir', runsDir, '--no-effects']);
    expect(resumed.code, resumed.output).toBe(0);
    // The interrupted model's training picked up at the saved step rather than from scratch.
    expect(resumed.output).toMatch(new RegExp(`reasoning\\.resumedFromStep=${savedAt}\\b`));
    expect(resumed.output).toMatch(new RegExp(`reasoning\\.trainSteps=${STEPS}\\b`));
    const finalDir = /final model \(reasoning\): (\S+)/.exec(resumed.output)?.[1];
    expect(finalDir && existsSync(path.join(finalDir, 'config.json'))).toBe(true);
    const after = JSON.parse(readFileSync(statePath, 'utf8')) as { phases: { name: string; status: string }[] };
    expect(after.phases.find((p) => p.name === 'cognate')?.status).toBe('done');
  });
});
