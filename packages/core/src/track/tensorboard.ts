import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { maskedCrc32c } from './crc32c.js';
import { registerTrackerSink } from './tracker.js';
import type { TrackRecord, TrackerSink, TrackerSinkFactory } from './types.js';

/** Subdirectory of the run that TensorBoard is pointed at: `tensorboard --logdir runs/<id>/tensorboard`. */
export const TENSORBOARD_DIR = 'tensorboard';

/**
 * Protobuf wire encoding of the few messages an event file needs, by hand: Event{wall_time=1
 * double, step=2 int64, file_version=3 string, summary=5} and Summary{value=1: Value{tag=1 string,
 * simple_value=2 float}}. Five fields do not justify a protobuf runtime and a .proto build step.
 */
class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  varint(value: number | bigint): this {
    let rest = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      const low = Number(rest & 0x7fn);
      rest >>= 7n;
      bytes.push(rest > 0n ? low | 0x80 : low);
    } while (rest > 0n);
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }

  double(field: number, value: number): this {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.tag(field, 1).parts.push(bytes);
    return this;
  }

  float(field: number, value: number): this {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.tag(field, 5).parts.push(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(value.length).parts.push(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  finish(): Uint8Array {
    return Buffer.concat(this.parts);
  }
}

/** An Event holding either the file-version header or one scalar summary. */
export function encodeEvent(event: {
  wallTime: number;
  step: number;
  fileVersion?: string;
  scalar?: { tag: string; value: number };
}): Uint8Array {
  const writer = new ProtoWriter().double(1, event.wallTime).tag(2, 0).varint(Math.trunc(event.step));
  if (event.fileVersion !== undefined) writer.string(3, event.fileVersion);
  if (event.scalar) {
    const value = new ProtoWriter().string(1, event.scalar.tag).float(2, event.scalar.value).finish();
    writer.bytes(5, new ProtoWriter().bytes(1, value).finish());
  }
  return writer.finish();
}

/** One TFRecord: uint64 length, masked CRC-32C of the length, data, masked CRC-32C of the data (all little-endian). */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Phase names become TensorBoard runs (subdirectories), so `loss` of every phase overlays in one chart. */
const runDirName = (phase: string): string => phase.replace(/[^A-Za-z0-9._-]/g, '_') || '_';

/**
 * Writes `runs/<id>/tensorboard/<phase>/events.out.tfevents.<seconds>.<host>` with one scalar
 * event per metric. Records are written straight to an open file descriptor (no buffering), so
 * TensorBoard sees a live run and a crash loses nothing already logged. Events and configs are
 * not scalars and stay in the run store.
 */
export function createTensorBoardSink(runDir: string, now: () => number = Date.now): TrackerSink {
  const root = path.join(runDir, TENSORBOARD_DIR);
  const files = new Map<string, number>();
  const fileFor = (phase: string): number => {
    const open = files.get(phase);
    if (open !== undefined) return open;
    const dir = path.join(root, runDirName(phase));
    mkdirSync(dir, { recursive: true });
    const wallTime = now() / 1000;
    const fd = openSync(path.join(dir, `events.out.tfevents.${Math.floor(wallTime)}.${os.hostname()}`), 'a');
    writeSync(fd, encodeRecord(encodeEvent({ wallTime, step: 0, fileVersion: 'brain.Event:2' })));
    files.set(phase, fd);
    return fd;
  };
  return {
    name: 'tensorboard',
    write(record: TrackRecord) {
      if (record.type !== 'metric') return;
      const event = encodeEvent({
        wallTime: Date.parse(record.time) / 1000,
        step: record.step,
        scalar: { tag: record.name, value: record.value },
      });
      writeSync(fileFor(record.phase), encodeRecord(event));
    },
    async close() {
      for (const fd of files.values()) closeSync(fd);
      files.clear();
    },
  };
}

/** The `tensorboard` sink: scalar event files per phase under `runs/<id>/tensorboard/`. */
export const tensorBoardSinkFactory: TrackerSinkFactory = {
  name: 'tensorboard',
  description:
    'TensorBoard event files in runs/<runId>/tensorboard/<phase>/ (tensorboard --logdir runs/<runId>/tensorboard)',
  create: ({ runDir }) => createTensorBoardSink(runDir),
};

registerTrackerSink(tensorBoardSinkFactory);
