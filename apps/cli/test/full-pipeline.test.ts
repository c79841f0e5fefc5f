// The whole `tiny` pipeline, end to end, through the real CLI in a child process: the README's first
// command (`pnpm demo` runs exactly this `forge run --preset tiny` after building). It checks what a user
// relies on: all eight phases finish in order, each phase's checkpoint still hashes to what pipeline.json
// recorded, the phases really changed the model the way they claim (ternary → smaller → compressed),
// the final model loads and generates, and a resume of the finished run redoes nothing.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PHASE_NAMES, checkDirectoryHashes, generate, readPipelineState, useBackend } from '@agent-forge/core';
import type { PhaseResult, PipelineState } from '@agent-forge/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EFFECTS_FILE, type PipelineEffects } from '../src/effects/index.js';
import { loadEdgeModel } from '../src/load-model.js';
// As in the CLI: importing the phases registers the model extensions (quietstar, bitnet, …) the loader needs.
import '../src/phases.js';

const BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const ROOT_PACKAGE = fileURLToPath(new URL('../../../package.json', import.meta.url));

interface Finished {
  code: number | null;
  output: string;
}

function forge(args: string[]): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

let runsDir: string;
let run: Finished;
let state: PipelineState;
const results = new Map<string, PhaseResult>();

beforeAll(async () => {
  runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-full-pipeline-'));
  run = await forge(['run', '--preset', 'tiny', '--runs-dir', runsDir]);
  const runId = /run (\S+) finished/.exec(run.output)?.[1];
  if (run.code !== 0 || !runId) throw new Error(`forge run failed (exit ${run.code}):\n${run.output.slice(-4000)}`);
  state = readPipelineState(path.join(runsDir, runId));
  for (const phase of state.phases) if (phase.result) results.set(phase.name, phase.result);
});
afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

const metric = (phase: string, name: string): number => {
  const value = results.get(phase)?.metrics[name];
  if (value === undefined)
    throw new Error(
      `${phase} reported no metric '${name}' (has: ${Object.keys(results.get(phase)?.metrics ?? {}).join(', ')})`,
    );
  return value;
};
const mainModel = (phase: string) => {
  const model = results.get(phase)?.models[0];
  if (!model) throw new Error(`${phase} produced no model`);
  return model;
};

describe('forge run --preset tiny (the whole pipeline)', () => {
  it("is what the README's first command runs", () => {
    const scripts = (JSON.parse(readFileSync(ROOT_PACKAGE, 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.demo).toMatch(/&& node apps\/cli\/dist\/bin\.js run --preset tiny$/);
  });

  it('runs all eight phases in order and ends with the summary table and the final model', () => {
    expect(state.phases.map((phase) => [phase.name, phase.status])).toEqual(PHASE_NAMES.map((name) => [name, 'done']));
    const table = run.output.split('\n').filter((line) => /^\S+\s+done\s+\d+\.\d s\s/.test(line));
    expect(table.map((line) => line.split(/\s+/)[0])).toEqual([...PHASE_NAMES]);
    const finalDir = /final model \(\S+\): (\S+)/.exec(run.output)?.[1];
    expect(finalDir).toBe(mainModel('compression').dir);
  });

  it('records a content hash of every checkpoint file, and every file still matches it', async () => {
    for (const phase of state.phases) {
      const models = phase.result?.models ?? [];
      expect(models.length, phase.name).toBeGreaterThan(0);
      for (const model of models) {
        const hashes = phase.hashes?.[model.dir];
        expect(Object.keys(hashes ?? {}).length, `${phase.name} ${model.dir}`).toBeGreaterThan(0);
        expect(await checkDirectoryHashes(model.dir, hashes ?? {}), model.dir).toBeUndefined();
      }
    }
  });

  it("hands each phase's model to the next: each later checkpoint carries what the earlier phases added", () => {
    expect(results.get('cognate')?.models).toHaveLength(3);
    const extensionsOf = (name: string): string[] => {
      const config = JSON.parse(readFileSync(path.join(mainModel(name).dir, 'config.json'), 'utf8')) as {
        extensions?: Record<string, unknown>;
      };
      return Object.keys(config.extensions ?? {});
    };
    const addedBy: Record<string, string> = {
      cognate: 'titan',
      quietstar: 'quietstar',
      bitnet: 'bitnet',
      compression: 'compression',
    };
    const tokenizer = readFileSync(path.join(mainModel('cognate').dir, 'tokenizer.json'), 'utf8');
    PHASE_NAMES.forEach((name, index) => {
      const expected = PHASE_NAMES.slice(0, index + 1).flatMap((earlier) => addedBy[earlier] ?? []);
      expect(extensionsOf(name), name).toEqual(expected);
      // One tokenizer from cognate to the end: token ids mean the same thing in every phase.
      expect(readFileSync(path.join(mainModel(name).dir, 'tokenizer.json'), 'utf8'), name).toBe(tokenizer);
    });
  });

  it('quantizes to ternary, packs it smaller, and compresses it smaller again without losing the model', () => {
    expect(metric('bitnet', 'ternaryShare')).toBeGreaterThan(0.5);
    expect(metric('compression', 'bitsPerWeight')).toBeLessThan(4);
    // Baking's persona adapters go on to the final model as they are (F32 LoRA factors), in edge's and
    // compression's folders alike: what is compressed is the base weights.
    const adapterBytes = (dir: string): number => {
      const folder = path.join(dir, 'adapters');
      if (!existsSync(folder)) return 0;
      return readdirSync(folder).reduce((sum, name) => sum + statSync(path.join(folder, name)).size, 0);
    };
    const baseBytes = (phase: string): number => mainModel(phase).bytes - adapterBytes(mainModel(phase).dir);
    expect(adapterBytes(mainModel('compression').dir)).toBe(adapterBytes(mainModel('edge').dir));
    expect(adapterBytes(mainModel('compression').dir)).toBeGreaterThan(0);
    // Not edge's / 4: edge packs only the blocks' linears to ternary (2 bits) and the embedding to int8, and
    // keeps the Titans memory's weights in F32 (55 % of its packed file at tiny); compression codes all of them
    // at a few bits, so its base is ~0.44 of edge's here.
    expect(baseBytes('compression')).toBeLessThan(baseBytes('edge'));
    expect(baseBytes('compression')).toBeLessThan(mainModel('cognate').bytes / 4);
    // Perplexity is a held-out figure: the final model must still be a language model of the data,
    // far from the uniform guess over the tiny vocabulary (512 tokens).
    const final = metric('compression', 'perplexityAfter');
    expect(Number.isFinite(final)).toBe(true);
    expect(final).toBeLessThan(100);
  });

  it('loads the final model the way `forge chat` does and generates from it', async () => {
    await useBackend('cpu');
    const model = await loadEdgeModel(mainModel('compression').dir);
    try {
      const reply = await generate(model.model, model.tokenizer.encode('Tom has 3 apples.'), {
        maxNewTokens: 6,
        temperature: 0,
      });
      expect(reply.tokens.length).toBeGreaterThan(0);
    } finally {
      model.dispose();
    }
  });

  it("measures every phase's models on one held-out set and prints each phase's change", () => {
    const effects = JSON.parse(readFileSync(path.join(runsDir, state.runId, EFFECTS_FILE), 'utf8')) as PipelineEffects;
    const expected = state.phases.flatMap((phase) =>
      (phase.result?.models ?? []).map((model) => [phase.name, model.dir]),
    );
    expect(effects.rows.map((row) => [row.phase, row.dir])).toEqual(expected);
    for (const row of effects.rows) {
      expect(Number.isFinite(row.effect.loss), row.dir).toBe(true);
      expect(row.effect.levels.map((level) => level.problems)).toEqual([8, 8, 8]);
    }
    // The table after the summary: one line per model, in pipeline order.
    const printed = run.output.split('\n').filter((line) => /^\S+\s+\S+\s+\d+\.\d{4}\s+(—|[+-]\d)/.test(line));
    expect(printed.map((line) => line.split(/\s+/)[0])).toEqual(expected.map(([phase]) => phase));
  });

  it('resumes the finished run without redoing any phase', async () => {
    const resumed = await forge(['run', '--resume', state.runId, '--runs-dir', runsDir, '--no-effects']);
    expect(resumed.code, resumed.output).toBe(0);
    expect(resumed.output).not.toMatch(/training: \d+\//);
    const after = readPipelineState(path.join(runsDir, state.runId));
    expect(after.phases.map((phase) => phase.finishedAt)).toEqual(state.phases.map((phase) => phase.finishedAt));
  });
});
