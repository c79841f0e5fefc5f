// A training state directory that is torn (a file missing or cut short) or that belongs to another model
// must stop the resume with an error naming the file, never resume from part of it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../src/backend/index.js';
import { TinyTitan } from '../../src/model/index.js';
import { TrainConfigSchema, train } from '../../src/train/index.js';
import { microModel, streamSource } from './helpers.js';

beforeAll(async () => {
  await initBackend();
});

const config = TrainConfigSchema.parse({ steps: 3, batchSize: 2, lr: 1e-2, warmupSteps: 1, checkpointEvery: 1 });
const modelWith = (layers: { nLayers?: number; dModel?: number }): TinyTitan =>
  new TinyTitan({ vocabSize: 24, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 8, ...layers }, { seed: 3 });

/** A state directory saved after 2 steps of `model`. */
async function savedState(model: TinyTitan = microModel()): Promise<string> {
  const stateDir = path.join(mkdtempSync(path.join(os.tmpdir(), 'forge-state-')), 'state');
  await train({ model, data: streamSource(), config, stateDir, untilStep: 2 });
  model.dispose();
  return stateDir;
}

/** The error a resume of `model` (default: the same architecture) from `stateDir` stops with. */
async function resumeError(stateDir: string, model: TinyTitan = microModel(7)): Promise<Error> {
  try {
    await train({ model, data: streamSource(), config, stateDir });
  } catch (error) {
    return error as Error;
  } finally {
    model.dispose();
  }
  throw new Error('the resume did not fail');
}

describe('a torn or mismatched train-state/', () => {
  it('resumes from a whole state of the same model (the control)', async () => {
    const model = microModel(7);
    const summary = await train({ model, data: streamSource(), config, stateDir: await savedState() });
    expect(summary.resumedFrom).toBe(2);
    model.dispose();
  });

  it('names the file when one is missing or cut short', async () => {
    const noWeights = await savedState();
    rmSync(path.join(noWeights, 'weights.safetensors'));
    expect((await resumeError(noWeights)).message).toContain(path.join(noWeights, 'weights.safetensors'));

    const cutOptimizer = await savedState();
    const optimizerFile = path.join(cutOptimizer, 'optimizer.safetensors');
    writeFileSync(optimizerFile, readFileSync(optimizerFile).subarray(0, 100));
    expect((await resumeError(cutOptimizer)).message).toContain(optimizerFile);

    const cutTrainer = await savedState();
    const trainerFile = path.join(cutTrainer, 'trainer.json');
    writeFileSync(trainerFile, readFileSync(trainerFile, 'utf8').slice(0, 20));
    expect((await resumeError(cutTrainer)).message).toContain(trainerFile);
  });

  it("refuses another model's weights, naming weights.safetensors: wider, fewer layers or more layers", async () => {
    const stateDir = await savedState();
    const weightsFile = path.join(stateDir, 'weights.safetensors');
    const wider = await resumeError(stateDir, modelWith({ dModel: 32 }));
    expect(wider.message).toMatch(/has shape \[.*\] but the model expects/);
    expect(wider.message).toContain(weightsFile);
    const deeper = await resumeError(stateDir, modelWith({ nLayers: 2 }));
    expect(deeper.message).toMatch(/has no weight 'blocks\.1\./);
    expect(deeper.message).toContain(weightsFile);
    // The state of a 2-layer model holds everything a 1-layer model needs, and more.
    const shallower = await resumeError(await savedState(modelWith({ nLayers: 2 })), microModel(7));
    expect(shallower.message).toMatch(/has weights the model lacks \(blocks\.1\./);
    expect(shallower.message).toContain('weights.safetensors');
  });

  it("refuses another model's optimizer moments, naming optimizer.safetensors", async () => {
    const stateDir = await savedState();
    const other = await savedState(modelWith({ nLayers: 2 }));
    copyFileSync(path.join(other, 'optimizer.safetensors'), path.join(stateDir, 'optimizer.safetensors'));
    const error = await resumeError(stateDir);
    expect(error.message).toMatch(/optimizer state for weights the model lacks \(blocks\.1\./);
    expect(error.message).toContain(path.join(stateDir, 'optimizer.safetensors'));

    const wider = await savedState(modelWith({ dModel: 32 }));
    copyFileSync(path.join(wider, 'optimizer.safetensors'), path.join(stateDir, 'optimizer.safetensors'));
    const shapes = await resumeError(stateDir);
    expect(shapes.message).toMatch(/optimizer state does not fit the model: .*has shape/);
    expect(shapes.message).toContain(path.join(stateDir, 'optimizer.safetensors'));
  });
});
