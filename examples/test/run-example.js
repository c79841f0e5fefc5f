// Runs an example as `node <script>` would and parses the figures it prints.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLES_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** Exit code, stdout, stderr and wall time of one example script. */
export function runExample(script) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [path.join(EXAMPLES_DIR, script)], {
      cwd: EXAMPLES_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - started) / 1000 }));
  });
}

/** The first number after `label` in the output (e.g. figure(out, 'KL reduction: ') → 26.5). */
export function figure(output, label) {
  const at = output.indexOf(label);
  if (at < 0) throw new Error(`the output has no '${label}':\n${output}`);
  const match = /-?\d+(?:\.\d+)?(?:e[+-]?\d+)?/i.exec(output.slice(at + label.length));
  if (!match) throw new Error(`no number after '${label}'`);
  return Number(match[0]);
}

/** The checks on each example's printed figures: what the example claims, as assertions. */
export const CHECKS = {
  '01-cognate.mjs': (out, expect) => {
    expect(figure(out, 'reasoning vs memory-integration: ')).toBe(0);
    expect(figure(out, 'reasoning vs adaptive-computation: ')).toBe(0);
    for (const role of ['reasoning', 'memory-integration', 'adaptive-computation']) {
      const before = figure(out, `${role} perplexity before: `);
      const after = Number(
        /perplexity after \d+ steps: ([\d.]+)/.exec(out.slice(out.indexOf(`${role} perplexity after`)))[1],
      );
      expect(after).toBeGreaterThan(0);
      expect(after).toBeLessThan(before); // a few steps already beat the untrained model
      expect(figure(out, `${role} mean ponder steps: `)).toBeGreaterThanOrEqual(1);
    }
  },
  '02-evomerge.mjs': (out, expect) => {
    expect(figure(out, 'linear: max |merged - hand-computed|: ')).toBeLessThan(1e-6);
    expect(figure(out, 'task_arithmetic: max |merged - hand-computed|: ')).toBeLessThan(1e-6);
    expect(figure(out, 'slerp t=0: max |merged - a|: ')).toBe(0);
    expect(figure(out, 'slerp t=1: max |merged - b|: ')).toBe(0);
    expect(figure(out, 'slerp t=0.5 embedding norm: ')).toBeGreaterThan(figure(out, '(lerp: '));
    expect(figure(out, 'share of weights that differ from the base: ')).toBeLessThan(0.5);
  },
  '03-quietstar.mjs': (out, expect) => {
    expect(figure(out, 'mixing weight w: ')).toBe(0);
    expect(figure(out, 'max |mixed logits - plain model logits|: ')).toBeLessThan(1e-5);
    expect(Math.abs(figure(out, 'LM loss: ') - Math.log(512))).toBeLessThan(0.5);
    expect(figure(out, 'thought rows: ')).toBe(32);
    // Timings are printed, not compared: a loaded machine may reorder them (speed is for `pnpm bench`).
    for (const label of ['ms/token with thoughts: ', 'ms/token without thoughts: '])
      expect(figure(out, label)).toBeGreaterThan(0);
  },
  '04-bitnet.mjs': (out, expect) => {
    expect(out).toContain('codes: -1, 0, 1;');
    expect(figure(out, 'codes that differ from the hand-computed ones: ')).toBe(0);
    expect(figure(out, 'pack/unpack mismatches: ')).toBe(0);
    expect(figure(out, 'packed bytes ')).toBeLessThan(figure(out, 'fp32 bytes ') / 3);
    expect(figure(out, 'logits from packed file|: ')).toBeLessThan(1e-5);
  },
  '05-forge-train.mjs': (out, expect) => {
    expect(figure(out, 'max |filter - hand-computed|: ')).toBeLessThan(1e-5);
    expect(figure(out, 'baseline: final training loss ')).toBeLessThan(Math.log(512));
    expect(figure(out, 'grokfast-ema: final training loss ')).toBeLessThan(Math.log(512));
  },
  '06-baking.mjs': (out, expect) => {
    expect(figure(out, 'KL(prompted || baked without prompt): ')).toBeLessThan(
      figure(out, 'KL(prompted || base without prompt): '),
    );
    expect(figure(out, 'adapter tensors: ')).toBe(16);
  },
  '07-edge.mjs': (out, expect) => {
    expect(figure(out, 'max |packed kernel logits - float path logits|: ')).toBeLessThan(1e-4);
    expect(out).toContain('packed: same 24 tokens with and without the cache: true');
    expect(out).toContain('float: same 24 tokens with and without the cache: true');
    // Timings are printed, not compared: a loaded machine may reorder them (speed is for `pnpm bench`).
    for (const path of ['packed', 'float']) {
      for (const cache of ['with', 'without'])
        expect(figure(out, `${path}: ms/token ${cache} KV cache: `)).toBeGreaterThan(0);
    }
  },
  '08-compression.mjs': (out, expect) => {
    for (const method of ['seedlm', 'vptq', 'hyper', 'rtn']) {
      expect(figure(out, `${method}: `)).toBeLessThan(5); // bits/weight
      expect(figure(out, `${method}: `)).toBeGreaterThan(1);
    }
    expect(figure(out, 'ternary-2bit: ')).toBe(2);
    expect(figure(out, 'ternary-base3: ')).toBe(1.6);
    expect(figure(out, 'seedlm from file: values that differ from decoding in memory: ')).toBe(0);
    expect(figure(out, 'vptq from file: values that differ from decoding in memory: ')).toBe(0);
  },
  'pipeline.mjs': (out, expect) => {
    for (const dir of [
      '01-cognate',
      '02-evomerge',
      '03-quietstar',
      '04-bitnet',
      '05-forge-train',
      '06-baking',
      '07-edge',
      '08-compression',
    ]) {
      expect(out).toContain(`${dir}: done, `);
      expect(figure(out, `${dir}: done, `)).toBeGreaterThan(0); // seconds
    }
    expect(figure(out, 'bitsPerWeight ')).toBeLessThan(32);
    expect(out).toMatch(/final model: compressed /);
  },
};
