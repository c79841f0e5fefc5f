// `forge info` and `forge grokfast-demo` through the command line, on the cpu backend.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { PHASE_NAMES, silentProgress } from '@agent-forge/core';
import type { BackendReport, ProgressReporter } from '@agent-forge/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createProgram } from '../src/index.js';
import { engineLines } from '../src/engine.js';

beforeAll(() => {
  // grokfast-demo asks for `auto`, which must find the cpu backend `info --backend cpu` started.
  vi.stubEnv('FORGE_BACKEND', '');
});

async function forge(...args: string[]): Promise<{ lines: string[]; logs: string[]; error?: Error }> {
  const lines: string[] = [];
  const logs: string[] = [];
  const progress: ProgressReporter = { ...silentProgress, log: (line) => logs.push(line) };
  const program = createProgram({ print: (line) => lines.push(line), progress });
  for (const command of [program, ...program.commands]) {
    command.exitOverride().configureOutput({ writeOut: (s) => lines.push(s), writeErr: (s) => lines.push(s) });
  }
  try {
    await program.parseAsync(['node', 'forge', ...args]);
    return { lines, logs };
  } catch (error) {
    return { lines, logs, error: error as Error };
  }
}

describe('forge info', () => {
  it('prints the backend it started, its facts and every phase as implemented', async () => {
    const { lines, error } = await forge('info', '--backend', 'cpu');
    expect(error).toBeUndefined();
    expect(lines).toContain(`${'backend'.padEnd(16)} cpu`);
    expect(lines.find((line) => line.startsWith('node '))).toBe(`${'node'.padEnd(16)} ${process.version}`);
    expect(lines.at(-1)).toBe(`${'phases'.padEnd(16)} ${PHASE_NAMES.join(', ')}`);
  });

  it('prints the same facts as JSON with --json', async () => {
    const { lines, error } = await forge('info', '--backend', 'cpu', '--json');
    expect(error).toBeUndefined();
    const report = JSON.parse(lines.join('\n')) as BackendReport & {
      phases: Array<{ name: string; implemented: boolean }>;
    };
    expect(report.backend).toBe('cpu');
    expect(report.node).toBe(process.version);
    expect(report.phases).toEqual(PHASE_NAMES.map((name) => ({ name, implemented: true })));
  });

  it('rejects a backend it does not know before starting one', async () => {
    expect((await forge('info', '--backend', 'gpu')).error?.message).toMatch(
      /Allowed choices are auto, tensorflow-gpu, tensorflow, wasm, cpu/,
    );
  });
});

describe('engineLines', () => {
  const report: BackendReport = {
    backend: 'wasm',
    threads: 4,
    simd: true,
    threadsWorkaround: false,
    threadsWorkaroundSkipped: 'tfjs-backend-wasm is not 4.22.0',
    nativeKernels: { active: false, reason: 'Eigen 3 headers not found' },
    skipped: [{ choice: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }],
    versions: {
      '@tensorflow/tfjs': undefined,
      '@tensorflow/tfjs-core': '4.22.0',
      '@tensorflow/tfjs-backend-cpu': '4.22.0',
      '@tensorflow/tfjs-backend-wasm': '4.22.0',
      '@tensorflow/tfjs-node': undefined,
      '@tensorflow/tfjs-node-gpu': undefined,
    },
    node: 'v20.19.0',
    cpu: { model: 'Test CPU', cores: 2 },
  };

  it('names each backend passed over with its reason, and why wasm threads are off', () => {
    expect(engineLines(report)).toEqual([
      ['backend', 'wasm'],
      ['threads', '4'],
      ['simd', 'true'],
      ['wasm threads', 'off: tfjs-backend-wasm is not 4.22.0'],
      ['native kernels', 'off: Eigen 3 headers not found — the engine uses wasm kernels'],
      ['not tensorflow', '@tensorflow/tfjs-node is not installed'],
      [
        'versions',
        '@tensorflow/tfjs (not installed), @tensorflow/tfjs-core 4.22.0, @tensorflow/tfjs-backend-cpu 4.22.0, @tensorflow/tfjs-backend-wasm 4.22.0, @tensorflow/tfjs-node (not installed), @tensorflow/tfjs-node-gpu (not installed)',
      ],
      ['node', 'v20.19.0'],
      ['cpu', 'Test CPU, 2 cores'],
    ]);
  });

  it('says when libtensorflow decides the threads, when the workaround is on, and when no backend started', () => {
    const lines = new Map(
      engineLines({ ...report, backend: undefined, threads: undefined, threadsWorkaround: true, skipped: [] }),
    );
    expect(lines.get('backend')).toBe('none');
    expect(lines.get('threads')).toBe('decided by libtensorflow');
    expect(lines.get('wasm threads')).toBe('on (Node worker workaround)');
    expect(new Map(engineLines({ ...report, threadsWorkaroundSkipped: undefined })).get('wasm threads')).toBe('off');
    expect(lines.get('native kernels')).toMatch(/^off: Eigen/);
    const prebuilt = 'prebuilt x86-64-v3 (no local build: no C++ compiler (g++ is not on PATH; set CXX))';
    expect(
      new Map(
        engineLines({ ...report, nativeKernels: { active: true, simd: 'avx2', binary: prebuilt, threads: 4 } }),
      ).get('native kernels'),
    ).toBe(`on: ${prebuilt}, avx2 SIMD, 4 threads; hot kernels run natively on the wasm heap`);
    expect(new Map(engineLines({ ...report, nativeKernels: undefined })).get('native kernels')).toBe('not initialised');
  });

  // In its own process: this file's other tests start the cpu backend in this one.
  it('forge info --json, run as a user runs it, reports the native kernels active (built in CI)', () => {
    const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
    const report = JSON.parse(
      execFileSync(process.execPath, [bin, 'info', '--json'], { encoding: 'utf8' }),
    ) as BackendReport;
    expect(report.backend).toBe('wasm');
    expect(report.nativeKernels).toMatchObject({
      active: true,
      threads: os.cpus().length,
      binary: 'local build (-march=native)',
    });
  });
});

describe('forge grokfast-demo', () => {
  it('runs every arm on a tiny modulus and prints the table of steps to 95% accuracy', async () => {
    const { lines, logs, error } = await forge(
      'grokfast-demo',
      '--operation',
      'add',
      '--modulus',
      '5',
      '--seeds',
      '0',
      '--max-steps',
      '2',
      '--d-model',
      '8',
      '--batch',
      '4',
    );
    expect(error).toBeUndefined();
    expect(logs[0]).toMatch(/^backend: cpu/);
    // The flags reach the experiment: the table's header states them, each arm evaluates at the cap.
    const table = lines.join('\n');
    expect(table).toMatch(
      /^x\+y mod 5, .* width 8 × .* coupled L2 weight decay 0 \(baseline\), 0\.01 \(ma\), 0\.005 \(ema\), batch 4; .* cap 2 steps; seeds 0\./,
    );
    for (const arm of ['baseline', 'Grokfast-MA', 'Grokfast-EMA']) {
      expect(table).toMatch(new RegExp(`\\| ${arm}[^|]* \\| (> 2 \\(val [\\d.]+%, cap\\)|[12]) \\|`));
      expect(logs).toContainEqual(
        expect.stringMatching(
          new RegExp(`^${arm}.* seed 0 step 2: train accuracy [\\d.]+%, validation accuracy [\\d.]+%$`),
        ),
      );
    }
  });

  it('runs only the arms asked for and rejects an unknown one', async () => {
    const { lines, error } = await forge(
      'grokfast-demo',
      '--operation',
      'add',
      '--modulus',
      '5',
      '--seeds',
      '0',
      '--max-steps',
      '1',
      '--d-model',
      '8',
      '--batch',
      '4',
      '--arms',
      'ema',
    );
    expect(error).toBeUndefined();
    expect(lines.join('\n')).toMatch(/\| Grokfast-EMA/);
    expect(lines.join('\n')).not.toMatch(/\| baseline/);
    expect((await forge('grokfast-demo', '--arms', 'fir')).error?.message).toMatch(/--arms: unknown arm 'fir'/);
  });

  it('names the option a bad flag value breaks', async () => {
    expect((await forge('grokfast-demo', '--modulus', 'abc')).error?.message).toMatch(/grokfast demo: modulus/);
  });
});
