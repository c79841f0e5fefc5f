import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TENSORBOARD_DIR, Tracker, crc32c, maskedCrc32c } from '../../src/index.js';

const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'forge-tb-'));
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A second CRC-32C, bit by bit with no table, so the reader does not share code with the writer. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit += 1) crc = (crc >>> 1) ^ (0x82f63b78 & -(crc & 1));
  }
  return ~crc >>> 0;
}
const mask = (crc: number): number => ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;

/** TFRecord reader as TensorBoard's: length, its masked CRC, data, its masked CRC — every CRC checked. */
function readRecords(file: string): Uint8Array[] {
  const bytes = new Uint8Array(readFileSync(file));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(mask(bitwiseCrc32c(bytes.subarray(at, at + 8))));
    const data = bytes.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(mask(bitwiseCrc32c(data)));
    records.push(data);
    at += 12 + length + 4;
  }
  expect(at).toBe(bytes.length);
  return records;
}

const protoc = spawnSync('protoc', ['--version'], { encoding: 'utf8' }).status === 0;

/** Google's protobuf decoder (protoc) with TensorBoard's own field numbers: independent of our encoder. */
function protocDecode(data: Uint8Array): string {
  const out = spawnSync('protoc', [`-I${fixtures}`, '--decode=tensorboard.Event', 'tensorboard-event.proto'], {
    input: data,
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(out.stderr);
  return out.stdout;
}

describe('CRC-32C', () => {
  it('matches the RFC 3720 B.4 test vectors and the catalogue check value', () => {
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i))).toBe(0x113fdb5c);
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(maskedCrc32c(new Uint8Array(32))).toBe(mask(0x8a9136aa));
  });
});

describe('TensorBoard sink', () => {
  async function writeRun(): Promise<string> {
    const runDir = tmp();
    const tracker = await Tracker.open(['run-store', 'tensorboard'], { runDir, runId: 'r' });
    tracker.config('bitnet', { lr: 0.01 });
    tracker.metrics('bitnet', 1, { loss: 3.25, lr: 0.01 });
    tracker.metrics('bitnet', 2, { loss: 2.5, lr: 0.02 });
    tracker.metric('cognate:reasoning', 7, 'loss', 4.125);
    tracker.event('phase_finished', {}, 'bitnet');
    await tracker.close();
    return runDir;
  }

  const eventFiles = (runDir: string, run: string): string[] => {
    const dir = path.join(runDir, TENSORBOARD_DIR, run);
    return readdirSync(dir)
      .filter((f) => f.startsWith('events.out.tfevents.'))
      .map((f) => path.join(dir, f));
  };

  it('writes one event file per phase whose records and CRCs a separate reader accepts', async () => {
    const runDir = await writeRun();
    expect(readdirSync(path.join(runDir, TENSORBOARD_DIR)).sort()).toEqual(['bitnet', 'cognate_reasoning']);
    const [file] = eventFiles(runDir, 'bitnet');
    expect(path.basename(file ?? '')).toMatch(
      new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/[.]/g, '\\.')}$`),
    );
    // header + 4 scalars; the config and event records are not scalars
    expect(readRecords(file ?? '')).toHaveLength(5);
  });

  it.skipIf(!protoc && !process.env.CI)(
    "decodes with protoc and TensorBoard's field numbers to the logged values",
    async () => {
      const runDir = await writeRun();
      const records = readRecords(eventFiles(runDir, 'bitnet')[0] ?? '').map(protocDecode);
      expect(records[0]).toContain('file_version: "brain.Event:2"');
      const scalars = records.slice(1).map((text) => ({
        step: Number(/step: (\d+)/.exec(text)?.[1]),
        tag: /tag: "([^"]+)"/.exec(text)?.[1],
        value: Number(/simple_value: ([-\d.e]+)/.exec(text)?.[1]),
        wallTime: Number(/wall_time: ([\d.e+]+)/.exec(text)?.[1]),
      }));
      expect(scalars.map(({ step, tag, value }) => [step, tag, value])).toEqual([
        [1, 'loss', 3.25],
        [1, 'lr', 0.01],
        [2, 'loss', 2.5],
        [2, 'lr', 0.02],
      ]);
      for (const { wallTime } of scalars) expect(Math.abs(wallTime - Date.now() / 1000)).toBeLessThan(120);
      const other = readRecords(eventFiles(runDir, 'cognate_reasoning')[0] ?? '').map(protocDecode);
      expect(other[1]).toMatch(/step: 7[\s\S]*tag: "loss"[\s\S]*simple_value: 4.125/);
    },
  );

  it('protoc is present in CI, where the decode test must run', () => {
    if (process.env.CI) expect(protoc).toBe(true);
    expect(existsSync(path.join(fixtures, 'tensorboard-event.proto'))).toBe(true);
  });
});
