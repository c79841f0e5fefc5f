// Every registered phase's config schema: each preset's defaults are valid settings, and an unknown
// setting is an error naming it (core's resolvePhaseConfig, as `forge run` and `forge phase` use it).
import { PresetNameSchema, resolvePhaseConfig } from '@agent-forge/core';
import { describe, expect, it } from 'vitest';
import { REGISTERED_PHASES } from '../src/phases.js';

describe('phase config schemas', () => {
  it('has all eight phases, each accepting its presets and refusing an unknown setting by name', () => {
    expect(REGISTERED_PHASES).toHaveLength(8);
    for (const phase of REGISTERED_PHASES) {
      for (const preset of PresetNameSchema.options) {
        expect(resolvePhaseConfig(phase, preset, {}), `${phase.name} ${preset}`).toBeTypeOf('object');
      }
      expect(() => resolvePhaseConfig(phase, 'tiny', { evalWindow: 3 }), phase.name).toThrow(
        `field 'phases.${phase.name}.evalWindow': Unrecognized key`,
      );
    }
  });
});
