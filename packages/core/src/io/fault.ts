/**
 * Fault injection for crash-safety tests: when the environment variable `FORGE_FAULT` names a
 * point, the process kills itself with SIGKILL there, exactly as a power cut or `kill -9` would.
 * The points sit where a crash is most dangerous (between the renames of a checkpoint swap, between
 * a phase's result and the pipeline state). Unset in normal use, so each point is one string compare.
 */
export type FaultPoint = 'checkpoint-swap' | 'phase-result-written' | 'train-step';

/**
 * Marks a crash point: kills the process with SIGKILL when `FORGE_FAULT` is `point` (or the N-th hit of
 * `point@N`); a no-op otherwise.
 */
export function faultPoint(point: FaultPoint): void {
  const wanted = process.env.FORGE_FAULT;
  if (wanted === undefined || wanted === '') return;
  const [name, countText] = wanted.split('@');
  if (name !== point) return;
  // `point@N`: crash at the N-th time the point is reached, so a test can aim mid-phase.
  const hits = (counts.get(point) ?? 0) + 1;
  counts.set(point, hits);
  if (hits >= Number(countText ?? 1)) process.kill(process.pid, 'SIGKILL');
}

const counts = new Map<FaultPoint, number>();
