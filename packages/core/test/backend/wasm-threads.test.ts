import { describe, expect, it } from 'vitest';
import { threadsWorkaroundBlocker, unrefWasmWorkers } from '../../src/backend/wasm-threads.js';

describe('threadsWorkaroundBlocker', () => {
  it('allows the workaround only for the pinned wasm version and more than one thread', () => {
    expect(threadsWorkaroundBlocker('4.22.0', 2)).toBeUndefined();
    expect(threadsWorkaroundBlocker('4.22.0', 1)).toMatch(/one thread/);
    expect(threadsWorkaroundBlocker('4.23.0', 2)).toMatch(/4\.23\.0 is not 4\.22\.0/);
    expect(threadsWorkaroundBlocker(undefined, 4)).toMatch(/unknown/);
  });
});

describe('unrefWasmWorkers', () => {
  it('unrefs running and idle pthread workers so a CLI can exit', () => {
    const unrefed: string[] = [];
    const worker = (name: string): { unref(): void } => ({ unref: () => unrefed.push(name) });
    unrefWasmWorkers({
      PThread: { runningWorkers: [worker('xnnpack-1')], unusedWorkers: [worker('idle-1'), worker('idle-2')] },
    });
    expect(unrefed).toEqual(['xnnpack-1', 'idle-1', 'idle-2']);
  });

  it('ignores a module without pthreads (the single-threaded build)', () => {
    expect(() => unrefWasmWorkers({})).not.toThrow();
    expect(() => unrefWasmWorkers(null)).not.toThrow();
  });
});
