import { appendFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError, Tracker, metricSeries, readRunStore, registerTrackerSink } from '../../src/index.js';
import type { TrackRecord } from '../../src/index.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-track-'));

describe('Tracker with the run store', () => {
  it('writes metrics, events and configs as JSONL in order and reads them back', async () => {
    const runDir = tmp();
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    tracker.config('cognate', { lr: 0.001 });
    tracker.metrics('cognate', 1, { loss: 3.5, lr: 0.001 });
    tracker.metric('cognate', 2, 'loss', 3.1);
    tracker.event('checkpoint', { step: 2 }, 'cognate');
    await tracker.close();
    const records = readRunStore(runDir);
    expect(records.map((r) => r.type)).toEqual(['config', 'metric', 'metric', 'metric', 'event']);
    expect(metricSeries(records, 'cognate', 'loss')).toEqual([
      [1, 3.5],
      [2, 3.1],
    ]);
    expect(metricSeries(records, 'bitnet', 'loss')).toEqual([]);
  });

  it('ignores a torn last line but reports a broken line in the middle', async () => {
    const runDir = tmp();
    const tracker = await Tracker.open(['run-store'], { runDir, runId: 'r' });
    tracker.metric('p', 1, 'loss', 1);
    appendFileSync(path.join(runDir, 'track.jsonl'), '{"type":"metr');
    expect(readRunStore(runDir)).toHaveLength(1);
    appendFileSync(path.join(runDir, 'track.jsonl'), '\n{"type":"event","time":"t","event":"x"}\n');
    expect(() => readRunStore(runDir)).toThrow(/track\.jsonl:2: not valid JSON/);
  });

  it('rejects an unknown sink by name', async () => {
    await expect(Tracker.open(['tensorboardx'], { runDir: tmp(), runId: 'r' })).rejects.toThrow(
      /unknown tracker sink 'tensorboardx'/,
    );
  });

  it('fans out to registered sinks and surfaces an async sink failure at close', async () => {
    const seen: TrackRecord[] = [];
    registerTrackerSink({
      name: 'memory',
      description: 'test',
      create: () => ({
        name: 'memory',
        write: (r) => {
          seen.push(r);
        },
        close: async () => undefined,
      }),
    });
    registerTrackerSink({
      name: 'flaky',
      description: 'test',
      create: () => ({
        name: 'flaky',
        write: async () => {
          throw new Error('remote down');
        },
        close: async () => undefined,
      }),
    });
    const tracker = await Tracker.open(['memory', 'flaky'], { runDir: tmp(), runId: 'r' });
    tracker.metric('p', 7, 'acc', 0.25);
    expect(seen).toHaveLength(1);
    await expect(tracker.close()).rejects.toThrow(ForgeError);
  });
});
