import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import {
  encodeSafetensors,
  hostTensor,
  readSafetensors,
  readSafetensorsFile,
  writeSafetensorsFile,
  type HostTensor,
  type WeightMap,
} from '../../src/tensors/index.js';
import { dataBytes, safetensorsBytes } from './fixtures.js';

const floats = (length: number): Float32Array => Float32Array.from({ length }, (_, i) => i);

/** The header JSON of an encoded file, trailing padding included. */
function headerText(bytes: Uint8Array): string {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + length));
}

describe('encodeSafetensors writes the exact bytes', () => {
  it('matches the reference crate for one F32 tensor (no padding needed)', () => {
    const weights: WeightMap = new Map([['attn.0', hostTensor('F32', [1, 2, 3], floats(6))]]);
    // These bytes are the expected output of `serialize` in the reference Rust crate's own test.
    expect(Array.from(encodeSafetensors(weights))).toEqual([
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101, 34, 58, 34,
      70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34, 100, 97, 116, 97, 95,
      111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0,
      64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ]);
  });

  it('pads the header with spaces to a multiple of 8 bytes', () => {
    const weights: WeightMap = new Map([['attn0', hostTensor('F32', [1, 1, 2, 3], floats(6))]]);
    const header = '{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}';
    expect(header.length).toBe(65);
    const expected = safetensorsBytes(
      header,
      dataBytes(24, (view) => {
        for (let i = 0; i < 6; i++) view.setFloat32(4 * i, i, true);
      }),
      { pad: true },
    );
    expect(expected.length).toBe(8 + 72 + 24);
    expect(encodeSafetensors(weights)).toEqual(expected);
  });

  it('writes an empty file, with and without metadata, as the reference crate does', () => {
    expect(Array.from(encodeSafetensors(new Map()))).toEqual([
      8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32,
    ]);
    const withMetadata = encodeSafetensors(new Map(), { metadata: { framework: 'pt' } });
    expect(Array.from(withMetadata.subarray(0, 8))).toEqual([40, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerText(withMetadata)).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors widest dtype first, then by name, so every tensor starts aligned', () => {
    const weights: WeightMap = new Map<string, HostTensor>([
      ['b.bytes', hostTensor('U8', [3], new Uint8Array([1, 2, 3]))],
      ['a.half', hostTensor('F16', [1], new Uint16Array([0x3c00]))],
      ['z.weight', hostTensor('F32', [1], new Float32Array([1]))],
      ['c.weight', hostTensor('F32', [2], new Float32Array([2, 3]))],
      ['ids', hostTensor('I32', [1], new Int32Array([9]))],
      ['a.brain', hostTensor('BF16', [1], new Uint16Array([0x3f80]))],
      ['s', hostTensor('I8', [1], new Int8Array([-1]))],
    ]);
    const bytes = encodeSafetensors(weights, { metadata: { b: '2', a: '1' } });
    expect(headerText(bytes).trimEnd()).toBe(
      '{"__metadata__":{"a":"1","b":"2"},' +
        '"c.weight":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
        '"z.weight":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},' +
        '"ids":{"dtype":"I32","shape":[1],"data_offsets":[12,16]},' +
        '"a.brain":{"dtype":"BF16","shape":[1],"data_offsets":[16,18]},' +
        '"a.half":{"dtype":"F16","shape":[1],"data_offsets":[18,20]},' +
        '"s":{"dtype":"I8","shape":[1],"data_offsets":[20,21]},' +
        '"b.bytes":{"dtype":"U8","shape":[3],"data_offsets":[21,24]}}',
    );
    expect((8 + headerText(bytes).length) % 8).toBe(0);
    expect(Array.from(bytes.subarray(bytes.length - 4))).toEqual([0xff, 1, 2, 3]);
  });

  it('writes names an object would mangle', () => {
    const weights: WeightMap = new Map([['__proto__', hostTensor('U8', [1], new Uint8Array([7]))]]);
    const back = readSafetensors(encodeSafetensors(weights));
    expect(back.weights.get('__proto__')?.data).toEqual(new Uint8Array([7]));
  });
});

describe('encodeSafetensors rejects what it cannot write', () => {
  const rejects = (weights: WeightMap, pattern: RegExp, metadata?: Record<string, string>): void => {
    expect(() => encodeSafetensors(weights, metadata === undefined ? {} : { metadata })).toThrow(ForgeError);
    expect(() => encodeSafetensors(weights, metadata === undefined ? {} : { metadata })).toThrow(pattern);
  };

  it('a data length that does not match the shape', () => {
    const bad = { dtype: 'F32', shape: [2, 2], data: new Float32Array(3) } as HostTensor;
    rejects(new Map([['w', bad]]), /tensor 'w': shape \[2, 2\] needs 4 elements, data has 3/);
  });

  it('a typed array that does not match the dtype', () => {
    const bad = { dtype: 'F16', shape: [2], data: new Float32Array(2) } as unknown as HostTensor;
    rejects(new Map([['w', bad]]), /tensor 'w': dtype F16 needs a Uint16Array, got Float32Array/);
  });

  it('an invalid shape or unknown dtype', () => {
    rejects(
      new Map([['w', { dtype: 'U8', shape: [-1], data: new Uint8Array(0) } as HostTensor]]),
      /tensor 'w': shape must be an array/,
    );
    rejects(
      new Map([['w', { dtype: 'F64', shape: [1], data: new Float64Array(1) } as unknown as HostTensor]]),
      /tensor 'w': unknown dtype 'F64'/,
    );
  });

  it('a tensor named __metadata__', () => {
    rejects(new Map([['__metadata__', hostTensor('U8', [0], new Uint8Array(0))]]), /'__metadata__' is reserved/);
  });

  it('a metadata value that is not a string', () => {
    rejects(new Map(), /__metadata__ value for key 'epoch' must be a string, got number/, {
      epoch: 3 as unknown as string,
    });
  });
});

describe('safetensors round trips', () => {
  const everyDtype: [string, HostTensor][] = [
    ['f32', hostTensor('F32', [2, 3], new Float32Array([0, -1.5, 3.25, Infinity, -0, 1e-40]))],
    ['f16', hostTensor('F16', [4], new Uint16Array([0x3c00, 0xfc00, 0x0001, 0x7bff]))],
    ['bf16', hostTensor('BF16', [2, 1], new Uint16Array([0x3f80, 0xff80]))],
    ['i8', hostTensor('I8', [3], new Int8Array([-128, 0, 127]))],
    ['u8', hostTensor('U8', [3], new Uint8Array([0, 128, 255]))],
    ['i32', hostTensor('I32', [], new Int32Array([-2147483648]))],
  ];

  it.each(everyDtype)('%s survives encode → read unchanged', (name, tensor) => {
    const back = readSafetensors(encodeSafetensors(new Map([[name, tensor]]))).weights.get(name);
    expect(back).toEqual(tensor);
  });

  it('all dtypes together, with metadata, through a file', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'forge-safetensors-'));
    try {
      const file = path.join(dir, 'all.safetensors');
      const metadata = { format: 'agent-forge', note: 'ünïcödé ✓', empty: '' };
      await writeSafetensorsFile(file, new Map(everyDtype), { metadata });
      const back = await readSafetensorsFile(file);
      expect(back.metadata).toEqual(metadata);
      expect(new Map([...back.weights].sort(([a], [b]) => a.localeCompare(b)))).toEqual(
        new Map([...everyDtype].sort(([a], [b]) => a.localeCompare(b))),
      );
      expect(await readdir(dir)).toEqual(['all.safetensors']);
      expect((await readFile(file)).length).toBe(encodeSafetensors(new Map(everyDtype), { metadata }).length);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('names the file when a write is refused', async () => {
    const bad = { dtype: 'F32', shape: [2], data: new Float32Array(1) } as HostTensor;
    await expect(writeSafetensorsFile('/nonexistent/x.safetensors', new Map([['w', bad]]))).rejects.toThrow(
      "/nonexistent/x.safetensors: tensor 'w': shape [2] needs 2 elements, data has 1",
    );
  });
});
