import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadCheckpoint, saveCheckpoint } from '../../src/checkpoint/index.js';
import { ForgeError } from '../../src/errors.js';
import { encodeSafetensors, hostTensor, type HostTensor, type WeightMap } from '../../src/tensors/index.js';

const ConfigSchema = z.object({
  name: z.string(),
  model: z.object({ dModel: z.number().int().positive(), vocab: z.number().int().positive() }),
});
type Config = z.infer<typeof ConfigSchema>;

const CONFIG: Config = { name: 'tiny', model: { dModel: 2, vocab: 3 } };

const shapesFor = (config: Config): Record<string, number[]> => ({
  'embed.weight': [config.model.vocab, config.model.dModel],
  'norm.scale': [config.model.dModel],
});

function weightsFor(config: Config): WeightMap {
  const { vocab, dModel } = config.model;
  return new Map<string, HostTensor>([
    [
      'embed.weight',
      hostTensor(
        'F32',
        [vocab, dModel],
        Float32Array.from({ length: vocab * dModel }, (_, i) => i / 4),
      ),
    ],
    ['norm.scale', hostTensor('BF16', [dModel], new Uint16Array(dModel).fill(0x3f80))],
  ]);
}

const options = { configSchema: ConfigSchema, expectedShapes: shapesFor };

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'forge-checkpoint-'));
  dir = path.join(root, 'ckpt');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The ForgeError a promise rejects with; fails the test if it resolves or throws something else. */
async function rejection(promise: Promise<unknown>): Promise<ForgeError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(ForgeError);
  return error as ForgeError;
}

/** A pid that no longer runs: a child process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid ?? 999_999;
}

describe('saveCheckpoint + loadCheckpoint', () => {
  it('round-trips config, weights, tokenizer, result and metadata', async () => {
    const tokenizer = { vocab: ['a', 'b', 'c'], merges: [] };
    const result = { loss: 1.25, steps: 10 };
    await saveCheckpoint(dir, {
      config: CONFIG,
      weights: weightsFor(CONFIG),
      tokenizer,
      result,
      metadata: { phase: 'cognate' },
    });
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors', 'result.json', 'tokenizer.json']);

    const loaded = await loadCheckpoint(dir, options);
    expect(loaded.config).toEqual(CONFIG);
    expect(loaded.weights).toEqual(weightsFor(CONFIG));
    expect(loaded.tokenizer).toEqual(tokenizer);
    expect(loaded.result).toEqual(result);
    expect(loaded.metadata).toEqual({ phase: 'cognate' });
  });

  it('leaves tokenizer.json and result.json out when not given, and loads them as undefined', async () => {
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) });
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'model.safetensors']);
    const loaded = await loadCheckpoint(dir, { configSchema: ConfigSchema });
    expect(loaded.tokenizer).toBeUndefined();
    expect(loaded.result).toBeUndefined();
    expect(loaded.metadata).toEqual({});
  });

  it('returns the schema output (defaults applied), not the raw JSON', async () => {
    await saveCheckpoint(dir, { config: { ...CONFIG, name: undefined }, weights: weightsFor(CONFIG) });
    const WithDefault = ConfigSchema.extend({ name: z.string().default('unnamed') });
    expect((await loadCheckpoint(dir, { configSchema: WithDefault })).config.name).toBe('unnamed');
  });

  it('replaces an existing checkpoint and leaves no siblings behind', async () => {
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG), result: { old: true } });
    const bigger: Config = { name: 'bigger', model: { dModel: 4, vocab: 5 } };
    await saveCheckpoint(dir, { config: bigger, weights: weightsFor(bigger) });
    const loaded = await loadCheckpoint(dir, options);
    expect(loaded.config).toEqual(bigger);
    expect(loaded.weights.get('embed.weight')?.shape).toEqual([5, 4]);
    expect(loaded.result).toBeUndefined();
    expect(await readdir(root)).toEqual(['ckpt']);
  });

  it('keeps the old checkpoint intact when a save fails part-way', async () => {
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG), tokenizer: { v: 1 } });
    const before = await readFile(path.join(dir, 'model.safetensors'));
    // config.json and model.safetensors are written before the tokenizer fails to serialise.
    const failing = saveCheckpoint(dir, { config: { changed: true }, weights: new Map(), tokenizer: { big: 1n } });
    expect((await rejection(failing)).message).toMatch(/^tokenizer\.json: cannot be written as JSON/);
    expect(await readFile(path.join(dir, 'model.safetensors'))).toEqual(before);
    expect(JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8'))).toEqual(CONFIG);
    expect(await readdir(root)).toEqual(['ckpt']);
  });

  it('names model.safetensors, not the staging path, when the weights are invalid', async () => {
    const bad = { dtype: 'F32', shape: [2], data: new Float32Array(1) } as HostTensor;
    const error = await rejection(saveCheckpoint(dir, { config: CONFIG, weights: new Map([['w', bad]]) }));
    expect(error.message).toBe("model.safetensors: tensor 'w': shape [2] needs 2 elements, data has 1");
    expect(await readdir(root)).toEqual([]);
  });

  it('removes staging and retired siblings left by a crashed process, but not a live one', async () => {
    const dead = deadPid();
    const staleStaging = path.join(root, `.ckpt.staging-${dead}-deadbeef`);
    const staleRetired = path.join(root, `.ckpt.retired-${dead}-cafebabe`);
    const liveStaging = path.join(root, `.ckpt.staging-${process.ppid}-00000000`);
    for (const sibling of [staleStaging, staleRetired, liveStaging]) {
      await mkdir(sibling);
      await writeFile(path.join(sibling, 'config.json'), '{"half":');
    }
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) });
    expect((await readdir(root)).sort()).toEqual([path.basename(liveStaging), 'ckpt'].sort());
    expect((await loadCheckpoint(dir, options)).config).toEqual(CONFIG);
  });

  it('refuses to replace a directory that is not a checkpoint, or a file', async () => {
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    const error = await rejection(saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) }));
    expect(error.message).toMatch(/refusing to replace a directory that is not a checkpoint/);
    expect(await readFile(path.join(dir, 'notes.txt'), 'utf8')).toBe('mine');

    const file = path.join(root, 'plain-file');
    await writeFile(file, 'x');
    expect((await rejection(saveCheckpoint(file, { config: CONFIG, weights: new Map() }))).message).toMatch(
      /the path exists and is not a directory/,
    );
  });

  it('saves into an empty existing directory and creates missing parents', async () => {
    await mkdir(dir);
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) });
    const nested = path.join(root, 'a', 'b', 'ckpt');
    await saveCheckpoint(nested, { config: CONFIG, weights: weightsFor(CONFIG) });
    expect((await loadCheckpoint(nested, options)).config).toEqual(CONFIG);
  });
});

describe('loadCheckpoint rejects bad checkpoints, naming the file', () => {
  beforeEach(async () => {
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) });
  });

  it('a missing directory', async () => {
    const absent = path.join(root, 'absent');
    expect((await rejection(loadCheckpoint(absent, options))).message).toBe(
      `${absent}: checkpoint directory not found`,
    );
  });

  it('a missing directory whose save was killed between the renames: the survivor is put back and read', async () => {
    const absent = path.join(root, 'interrupted');
    // pid 999999 does not exist: the save that moved it aside is dead, so the survivor is the checkpoint.
    const survivor = path.join(root, '.interrupted.retired-999999-abcdef01');
    await mkdir(survivor);
    expect((await rejection(loadCheckpoint(absent, options))).message).toBe(
      `${path.join(absent, 'config.json')}: missing checkpoint file`,
    );
    expect(existsSync(survivor)).toBe(false);
  });

  it('a missing directory whose survivor belongs to a save still running: not touched, pointed at', async () => {
    const absent = path.join(root, 'in-progress');
    const survivor = path.join(root, `.in-progress.retired-${process.ppid}-abcdef01`);
    await mkdir(survivor);
    expect((await rejection(loadCheckpoint(absent, options))).message).toBe(
      `${absent}: checkpoint directory not found; an interrupted save left the previous checkpoint at ${survivor}`,
    );
  });

  it('a path that is a file', async () => {
    const file = path.join(dir, 'config.json');
    expect((await rejection(loadCheckpoint(file, options))).message).toMatch(/a checkpoint must be a directory/);
  });

  it('a missing config.json or model.safetensors', async () => {
    await rm(path.join(dir, 'model.safetensors'));
    expect((await rejection(loadCheckpoint(dir, options))).message).toBe(
      `${path.join(dir, 'model.safetensors')}: file not found`,
    );
    await rm(path.join(dir, 'config.json'));
    expect((await rejection(loadCheckpoint(dir, options))).message).toBe(
      `${path.join(dir, 'config.json')}: missing checkpoint file`,
    );
  });

  it('config.json that is not JSON', async () => {
    await writeFile(path.join(dir, 'config.json'), '{"name":');
    expect((await rejection(loadCheckpoint(dir, options))).message).toMatch(/config\.json: not valid JSON/);
  });

  it('config.json that fails the schema, naming the field path', async () => {
    await writeFile(path.join(dir, 'config.json'), JSON.stringify({ name: 'x', model: { dModel: 'two', vocab: 0 } }));
    const error = await rejection(loadCheckpoint(dir, options));
    expect(error.message).toMatch(
      /config\.json, field 'model\.dModel': expected number, received string \(and 1 more: model\.vocab\)$/,
    );
    expect(error.field).toBe('model.dModel');
    expect(error.file).toBe(path.join(dir, 'config.json'));
  });

  it('tokenizer.json that is not JSON', async () => {
    await writeFile(path.join(dir, 'tokenizer.json'), 'not json');
    expect((await rejection(loadCheckpoint(dir, options))).message).toMatch(/tokenizer\.json: not valid JSON/);
  });

  it('a corrupt model.safetensors', async () => {
    await writeFile(path.join(dir, 'model.safetensors'), new Uint8Array(4));
    expect((await rejection(loadCheckpoint(dir, options))).message).toMatch(
      /model\.safetensors: not a safetensors file/,
    );
  });
});

describe('loadCheckpoint checks tensor shapes against the config', () => {
  const writeWeights = (weights: WeightMap): Promise<void> =>
    writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(weights));

  beforeEach(async () => {
    await saveCheckpoint(dir, { config: CONFIG, weights: weightsFor(CONFIG) });
  });

  it('a missing tensor, with its expected shape', async () => {
    const weights = weightsFor(CONFIG);
    weights.delete('norm.scale');
    await writeWeights(weights);
    expect((await rejection(loadCheckpoint(dir, options))).message).toBe(
      `${path.join(dir, 'model.safetensors')}: weights do not match the config: missing tensor 'norm.scale' (expected shape [2])`,
    );
  });

  it('a tensor of the wrong shape, with expected and actual shapes', async () => {
    const weights = weightsFor(CONFIG);
    weights.set('embed.weight', hostTensor('F32', [2, 3], new Float32Array(6)));
    await writeWeights(weights);
    expect((await rejection(loadCheckpoint(dir, options))).message).toMatch(
      /tensor 'embed\.weight' has shape \[2, 3\], expected \[3, 2\]$/,
    );
  });

  it('an unexpected tensor, unless extra tensors are allowed', async () => {
    const weights = weightsFor(CONFIG);
    weights.set('optimizer.m', hostTensor('F32', [1], new Float32Array(1)));
    await writeWeights(weights);
    expect((await rejection(loadCheckpoint(dir, options))).message).toMatch(
      /unexpected tensor 'optimizer\.m' with shape \[1\]$/,
    );
    const loaded = await loadCheckpoint(dir, { ...options, allowExtraTensors: true });
    expect(loaded.weights.has('optimizer.m')).toBe(true);
  });

  it('lists every problem in one error', async () => {
    await writeWeights(new Map([['stray', hostTensor('U8', [0], new Uint8Array(0))]]));
    const { message } = await rejection(loadCheckpoint(dir, options));
    expect(message).toContain("missing tensor 'embed.weight' (expected shape [3, 2])");
    expect(message).toContain("missing tensor 'norm.scale' (expected shape [2])");
    expect(message).toContain("unexpected tensor 'stray' with shape [0]");
  });

  it('skips the check when no expected shapes are given', async () => {
    await writeWeights(new Map([['stray', hostTensor('U8', [0], new Uint8Array(0))]]));
    expect([...(await loadCheckpoint(dir, { configSchema: ConfigSchema })).weights.keys()]).toEqual(['stray']);
  });
});
