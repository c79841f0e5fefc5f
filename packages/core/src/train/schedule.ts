import type { TrainConfig } from './config.js';

/**
 * Linear warmup to the peak, then cosine decay to `lr × minLrRatio` at the last step.
 * `step` counts from 1 (the first update).
 */
export function learningRateAt(
  step: number,
  config: Pick<TrainConfig, 'lr' | 'minLrRatio' | 'warmupSteps' | 'steps'>,
): number {
  const { lr, minLrRatio, warmupSteps, steps } = config;
  if (warmupSteps > 0 && step <= warmupSteps) return (lr * step) / warmupSteps;
  const decaySteps = Math.max(1, steps - warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - warmupSteps) / decaySteps));
  const minLr = lr * minLrRatio;
  return minLr + 0.5 * (lr - minLr) * (1 + Math.cos(Math.PI * progress));
}
