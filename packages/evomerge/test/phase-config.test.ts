// The evomerge phase config as the pipeline resolves it (preset defaults under the user's settings):
// a count the phase divides by or decodes from must be at least 1, and the error names the field.
import { ForgeError, resolvePhaseConfig } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { evomergePhase } from '../src/index.js';

function rejection(settings: Record<string, unknown>): ForgeError {
  try {
    resolvePhaseConfig(evomergePhase, 'tiny', settings);
  } catch (error) {
    if (error instanceof ForgeError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(settings)} to be rejected`);
}

describe('evomerge phase config', () => {
  it('rejects testWindows: 0 before the run starts, naming the field (the report decodes from the test windows)', () => {
    const error = rejection({ testWindows: 0 });
    expect(error.field).toBe('phases.evomerge.testWindows');
    expect(error.message).toMatch(/field 'phases\.evomerge\.testWindows': at least 1 test window/);
    expect(resolvePhaseConfig(evomergePhase, 'tiny', { testWindows: 1 }).testWindows).toBe(1);
  });

  it.each([
    'evalWindows',
    'maxNewTokens',
    'elites',
    'layerGroups',
    'searchProblems',
    'testProblems',
    'recallDistractors',
  ])('rejects %s: 0, naming the field', (field) => {
    expect(rejection({ [field]: 0 }).field).toBe(`phases.evomerge.${field}`);
  });

  it.each(['generations', 'immigrants', 'evalProblems', 'reportProblems'])(
    'accepts %s: 0 (documented: nothing of it is done)',
    (field) => {
      expect(resolvePhaseConfig(evomergePhase, 'tiny', { [field]: 0 })).toMatchObject({ [field]: 0 });
    },
  );
});
