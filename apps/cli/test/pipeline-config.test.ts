import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyOverrides, loadPipelineConfig } from '../src/index.js';

function yamlFile(text: string): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-cfg-')), 'forge.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadPipelineConfig', () => {
  it('fills documented defaults with no file and no flags', () => {
    expect(loadPipelineConfig({ flags: {} })).toEqual({
      preset: 'tiny',
      seed: 42,
      backend: 'auto',
      runsDir: 'runs',
      tracking: { sinks: ['run-store'] },
      queueAttempts: 3,
      phases: {},
      effects: {
        enabled: true,
        difficulties: [1, 2, 3],
        problemsPerDifficulty: 8,
        windows: 32,
        maxNewTokens: 160,
        decode: { promptTokens: 32, newTokens: 24, runs: 3, warmupRuns: 1 },
      },
      control: { seed: 1 },
    });
  });

  it('reads YAML, then flags, then --set overrides, in that order of precedence', () => {
    const file = yamlFile('preset: small\nseed: 1\nphases:\n  bitnet:\n    steps: 10\n');
    const config = loadPipelineConfig({
      file,
      flags: { seed: 7 },
      overrides: ['phases.bitnet.steps=25', 'phases.bitnet.layers=[1, 2]'],
    });
    expect(config.preset).toBe('small');
    expect(config.seed).toBe(7);
    expect(config.phases).toEqual({ bitnet: { steps: 25, layers: [1, 2] } });
  });

  it('names the file and the field of a bad value', () => {
    const file = yamlFile('preset: huge\n');
    expect(() => loadPipelineConfig({ file, flags: {} })).toThrow(/forge\.yaml, field 'preset'/);
    expect(() => loadPipelineConfig({ flags: { seed: 1.5 } })).toThrow(/field 'seed'/);
  });

  it('rejects unknown keys instead of ignoring them', () => {
    const file = yamlFile('presett: small\n');
    expect(() => loadPipelineConfig({ file, flags: {} })).toThrow(/presett/);
  });

  it('names the line of a YAML syntax error, and a missing file', () => {
    const file = yamlFile('preset: tiny\nphases: [unclosed\n');
    expect(() => loadPipelineConfig({ file, flags: {} })).toThrow(/forge\.yaml:\d+: not valid YAML/);
    expect(() => loadPipelineConfig({ file: '/nope/forge.yaml', flags: {} })).toThrow(
      /\/nope\/forge\.yaml: config file not found/,
    );
  });

  it('takes a redis:// queue from the file or --queue, and refuses another URL naming the field', () => {
    expect(
      loadPipelineConfig({ file: yamlFile('queue: redis://q:6379\nqueueAttempts: 5\n'), flags: {} }),
    ).toMatchObject({ queue: 'redis://q:6379', queueAttempts: 5 });
    expect(loadPipelineConfig({ flags: { queue: 'rediss://user:pw@q/2' } }).queue).toBe('rediss://user:pw@q/2');
    expect(() => loadPipelineConfig({ flags: { queue: 'http://q:6379' } })).toThrow(
      /field 'queue'.*redis:\/\/host:port/,
    );
    expect(() => loadPipelineConfig({ flags: {}, overrides: ['queueAttempts=0'] })).toThrow(/field 'queueAttempts'/);
  });

  it('rejects a malformed --set', () => {
    expect(() => applyOverrides({}, ['noequals'])).toThrow(/key=value/);
    expect(applyOverrides({ a: 1 }, ['b.c=true'])).toEqual({ a: 1, b: { c: true } });
  });
});
