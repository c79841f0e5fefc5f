import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ForgeError, parseConfig } from '../../src/index.js';

describe('parseConfig', () => {
  const schema = z.object({ train: z.object({ lr: z.number().positive(), layers: z.array(z.number().int()) }) });

  it('returns the parsed value', () => {
    expect(parseConfig(schema, { train: { lr: 0.1, layers: [1] } })).toEqual({ train: { lr: 0.1, layers: [1] } });
  });

  it('names the nested field, its prefix and the file', () => {
    try {
      parseConfig(schema, { train: { lr: -1, layers: [1, 2.5] } }, { prefix: 'phases.cognate', file: 'forge.yaml' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ForgeError);
      const forgeError = error as ForgeError;
      expect(forgeError.field).toBe('phases.cognate.train.lr');
      expect(forgeError.message).toMatch(/^forge\.yaml, field 'phases\.cognate\.train\.lr': /);
      expect(forgeError.message).toContain('phases.cognate.train.layers[1]');
    }
  });

  it('names an unknown key of a strict schema as the field', () => {
    const strict = z.object({ steps: z.number() }).strict();
    expect(() => parseConfig(strict, { steps: 1, stpes: 2 }, { prefix: 'phases.bitnet' })).toThrow(
      /field 'phases\.bitnet\.stpes': Unrecognized key/,
    );
  });
});
