import { describe, expect, it } from 'vitest';
import { compositeFitness, fitnessParts, referenceOf, type Measures } from '../src/index.js';

const measures = (perplexity: number, accuracy: number, cost: number): Measures => ({
  perplexity,
  loss: Math.log(perplexity),
  accuracy,
  cost,
  meanPonderSteps: cost / 2,
  depth: 2,
  bytes: 4000,
});
const WEIGHTS = { perplexity: 0.8, accuracy: 0.1, speed: 0.05, memory: 0.05 };

describe('fitness parts', () => {
  it('split the composite into a quality part that only perplexity and accuracy move and a speed + memory part', () => {
    const reference = referenceOf([measures(10, 0.5, 4), measures(20, 0.25, 2)]);
    const model = measures(8, 0.5, 3);
    const { quality, efficiency } = fitnessParts(model, reference, WEIGHTS);
    expect(quality + efficiency).toBeCloseTo(compositeFitness(model, reference, WEIGHTS), 12);
    expect(quality).toBeCloseTo(0.8 * (10 / 8) + 0.1 * 0.5, 12);
    expect(efficiency).toBeCloseTo(0.05 * (3 / 3) + 0.05 * 1, 12);
    // Halving the cost raises only the speed + memory part.
    const faster = fitnessParts(measures(8, 0.5, 1.5), reference, WEIGHTS);
    expect(faster.quality).toBe(quality);
    expect(faster.efficiency).toBeGreaterThan(efficiency);
  });
});
