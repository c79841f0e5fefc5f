import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { readSafetensors, readSafetensorsFile } from '../../src/tensors/index.js';
import { dataBytes, safetensorsBytes, shifted } from './fixtures.js';

const FILE = 'fixture.safetensors';

/** The ForgeError `readSafetensors` throws for `bytes`; fails the test if it doesn't throw one. */
function readError(bytes: Uint8Array): ForgeError {
  try {
    readSafetensors(bytes, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ForgeError);
    expect((error as ForgeError).file).toBe(FILE);
    expect((error as ForgeError).message.startsWith(`${FILE}: `)).toBe(true);
    return error as ForgeError;
  }
  throw new Error('expected readSafetensors to reject the bytes');
}

const f32 = (name: string, length: number, begin: number): string =>
  `"${name}":{"dtype":"F32","shape":[${length}],"data_offsets":[${begin},${begin + 4 * length}]}`;

describe('readSafetensors decodes hand-built files', () => {
  it('reads every dtype, the exact values, and the metadata', () => {
    const header =
      '{"__metadata__":{"format":"pt","step":"12"},' +
      '"w":{"dtype":"F32","shape":[2,1],"data_offsets":[0,8]},' +
      '"n":{"dtype":"I32","shape":[],"data_offsets":[8,12]},' +
      '"h":{"dtype":"F16","shape":[2],"data_offsets":[12,16]},' +
      '"b":{"dtype":"BF16","shape":[1],"data_offsets":[16,18]},' +
      '"s":{"dtype":"I8","shape":[2],"data_offsets":[18,20]},' +
      '"u":{"dtype":"U8","shape":[1],"data_offsets":[20,21]}}';
    const data = dataBytes(21, (view) => {
      view.setFloat32(0, 1.5, true);
      view.setFloat32(4, -2.25, true);
      view.setInt32(8, -7, true);
      view.setUint16(12, 0x3c00, true);
      view.setUint16(14, 0xc000, true);
      view.setUint16(16, 0x3f80, true);
      view.setInt8(18, -5);
      view.setInt8(19, 127);
      view.setUint8(20, 250);
    });
    const { weights, metadata } = readSafetensors(safetensorsBytes(header, data, { pad: true }), FILE);
    expect(metadata).toEqual({ format: 'pt', step: '12' });
    expect([...weights.keys()]).toEqual(['w', 'n', 'h', 'b', 's', 'u']);
    expect(weights.get('w')).toEqual({ dtype: 'F32', shape: [2, 1], data: new Float32Array([1.5, -2.25]) });
    expect(weights.get('n')).toEqual({ dtype: 'I32', shape: [], data: new Int32Array([-7]) });
    expect(weights.get('h')).toEqual({ dtype: 'F16', shape: [2], data: new Uint16Array([0x3c00, 0xc000]) });
    expect(weights.get('b')).toEqual({ dtype: 'BF16', shape: [1], data: new Uint16Array([0x3f80]) });
    expect(weights.get('s')).toEqual({ dtype: 'I8', shape: [2], data: new Int8Array([-5, 127]) });
    expect(weights.get('u')).toEqual({ dtype: 'U8', shape: [1], data: new Uint8Array([250]) });
  });

  it('returns tensors in data order whatever the header order, and no metadata as {}', () => {
    const header = `{${f32('second', 1, 4)},${f32('first', 1, 0)}}`;
    const data = dataBytes(8, (view) => {
      view.setFloat32(0, 1, true);
      view.setFloat32(4, 2, true);
    });
    const { weights, metadata } = readSafetensors(safetensorsBytes(header, data), FILE);
    expect([...weights.keys()]).toEqual(['first', 'second']);
    expect(weights.get('second')?.data).toEqual(new Float32Array([2]));
    expect(metadata).toEqual({});
  });

  it('accepts an empty file body, zero-sized tensors, and a null __metadata__', () => {
    expect(readSafetensors(safetensorsBytes('{}'), FILE).weights.size).toBe(0);
    const header =
      '{"__metadata__":null,"empty":{"dtype":"F32","shape":[0,3],"data_offsets":[0,0]},"also":{"dtype":"U8","shape":[0],"data_offsets":[0,0]}}';
    const { weights, metadata } = readSafetensors(safetensorsBytes(header), FILE);
    expect(weights.get('empty')).toEqual({ dtype: 'F32', shape: [0, 3], data: new Float32Array(0) });
    expect(weights.get('also')?.data).toEqual(new Uint8Array(0));
    expect(metadata).toEqual({});
  });

  it('keeps names an object would mangle: __proto__ and integer-like names', () => {
    const header = `{${f32('__proto__', 1, 0)},${f32('10', 1, 4)},${f32('2', 1, 8)}}`;
    const { weights } = readSafetensors(safetensorsBytes(header, dataBytes(12)), FILE);
    expect([...weights.keys()]).toEqual(['__proto__', '10', '2']);
  });

  it('views aligned data without copying and copies misaligned data', () => {
    // The padded header puts the data at a multiple of 8, so the F32 view needs no copy.
    const bytes = safetensorsBytes(
      `{${f32('w', 2, 0)}}`,
      dataBytes(8, (view) => {
        view.setFloat32(0, 3.5, true);
        view.setFloat32(4, -1, true);
      }),
      { pad: true },
    );
    const aligned = readSafetensors(bytes, FILE).weights.get('w');
    expect(aligned?.data).toEqual(new Float32Array([3.5, -1]));
    expect(aligned?.data.buffer).toBe(bytes.buffer);

    const misaligned = shifted(bytes, 1);
    const copied = readSafetensors(misaligned, FILE).weights.get('w');
    expect(copied?.data).toEqual(new Float32Array([3.5, -1]));
    expect(copied?.data.buffer).not.toBe(misaligned.buffer);
  });
});

describe('readSafetensors rejects malformed files, naming the problem', () => {
  it('rejects a file shorter than 8 bytes', () => {
    expect(readError(new Uint8Array(5)).message).toMatch(/5 bytes is shorter than the 8-byte header length/);
  });

  it('rejects a header length that runs past the end of the file', () => {
    const bytes = safetensorsBytes('{}');
    new DataView(bytes.buffer).setBigUint64(0, 9n, true);
    expect(readError(bytes).message).toMatch(/header length 9 runs past the end of the file \(10 bytes\)/);
  });

  it('rejects an absurd header length (over 100 MB)', () => {
    const bytes = safetensorsBytes('{}');
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    expect(readError(bytes).message).toMatch(/header length 100000001 is absurd/);
    new DataView(bytes.buffer).setBigUint64(0, 0xffffffffffffffffn, true);
    expect(readError(bytes).message).toMatch(/is absurd/);
  });

  it('rejects a header that is not valid JSON', () => {
    expect(readError(safetensorsBytes('{"w":')).message).toMatch(/header is not valid JSON/);
    expect(readError(safetensorsBytes('')).message).toMatch(/header is not valid JSON/);
    expect(readError(safetensorsBytes('\ufeff{}')).message).toMatch(/header is not valid JSON/);
  });

  it('rejects a header that is not valid UTF-8', () => {
    const bytes = safetensorsBytes('{"w":1}');
    bytes[10] = 0xff;
    expect(readError(bytes).message).toMatch(/header is not valid UTF-8/);
  });

  it('rejects a header that is not a JSON object', () => {
    expect(readError(safetensorsBytes('[]')).message).toMatch(/header must be a JSON object, got an array/);
    expect(readError(safetensorsBytes('null')).message).toMatch(/header must be a JSON object, got null/);
  });

  it('rejects a tensor entry that is not an object', () => {
    expect(readError(safetensorsBytes('{"w":[1,2]}')).message).toMatch(/tensor 'w': header entry must be an object/);
  });

  it('rejects an unknown dtype, naming the tensor', () => {
    const header = '{"w":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}';
    expect(readError(safetensorsBytes(header, dataBytes(8))).message).toMatch(/tensor 'w': unknown dtype "F64"/);
    const missing = '{"w":{"shape":[1],"data_offsets":[0,4]}}';
    expect(readError(safetensorsBytes(missing, dataBytes(4))).message).toMatch(/tensor 'w': unknown dtype undefined/);
  });

  it.each([['[2,-1]'], ['[1.5]'], ['"3"'], ['[null]']])('rejects shape %s', (shape) => {
    const header = `{"w":{"dtype":"U8","shape":${shape},"data_offsets":[0,0]}}`;
    expect(readError(safetensorsBytes(header)).message).toMatch(
      /tensor 'w': shape must be an array of non-negative integers/,
    );
  });

  it.each([['[4,0]'], ['[0]'], ['[0,"4"]'], ['[-4,0]'], ['[0,4,8]'], ['[0.5,4.5]']])(
    'rejects data_offsets %s',
    (offsets) => {
      const header = `{"w":{"dtype":"F32","shape":[1],"data_offsets":${offsets}}}`;
      expect(readError(safetensorsBytes(header, dataBytes(8))).message).toMatch(
        /tensor 'w': data_offsets must be two integers \[begin, end\] with 0 <= begin <= end/,
      );
    },
  );

  it('rejects a byte length that is not product(shape) × dtype size', () => {
    const header = '{"w":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}';
    expect(readError(safetensorsBytes(header, dataBytes(8))).message).toMatch(
      /tensor 'w': data_offsets \[0, 8\] span 8 bytes, but F32 × shape \[3\] needs 12 bytes/,
    );
  });

  it('rejects a shape whose size overflows', () => {
    const header = '{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,8]}}';
    expect(readError(safetensorsBytes(header, dataBytes(8))).message).toMatch(
      /tensor 'w': shape \[4294967296, 4294967296\] is too large/,
    );
  });

  it('rejects offsets beyond the data buffer', () => {
    const header = `{${f32('w', 2, 0)}}`;
    expect(readError(safetensorsBytes(header, dataBytes(4))).message).toMatch(
      /tensor 'w': data_offsets \[0, 8\] are out of range: the data buffer is 4 bytes/,
    );
  });

  it('rejects overlapping tensors, naming both', () => {
    const header = `{${f32('a', 2, 0)},${f32('b', 2, 4)}}`;
    expect(readError(safetensorsBytes(header, dataBytes(12))).message).toMatch(
      /tensors 'a' \[0, 8\] and 'b' \[4, 12\] overlap/,
    );
  });

  it('rejects a hole between tensors', () => {
    const header = `{${f32('a', 1, 0)},${f32('b', 1, 8)}}`;
    expect(readError(safetensorsBytes(header, dataBytes(12))).message).toMatch(
      /data bytes \[4, 8\) before tensor 'b' are not covered by any tensor \(a hole\)/,
    );
  });

  it('rejects a hole before the first tensor', () => {
    const header = `{${f32('a', 1, 4)}}`;
    expect(readError(safetensorsBytes(header, dataBytes(8))).message).toMatch(/data bytes \[0, 4\) before tensor 'a'/);
  });

  it('rejects trailing bytes no tensor covers', () => {
    const header = `{${f32('a', 1, 0)}}`;
    expect(readError(safetensorsBytes(header, dataBytes(7))).message).toMatch(
      /3 trailing data bytes after offset 4 are not covered by any tensor/,
    );
    expect(readError(safetensorsBytes('{}', dataBytes(1))).message).toMatch(/1 trailing data bytes after offset 0/);
  });

  it('rejects __metadata__ values that are not strings', () => {
    const header = '{"__metadata__":{"format":"pt","epoch":3}}';
    expect(readError(safetensorsBytes(header)).message).toMatch(
      /__metadata__ value for key 'epoch' must be a string, got a number/,
    );
  });

  it('rejects a __metadata__ that is not an object', () => {
    expect(readError(safetensorsBytes('{"__metadata__":"pt"}')).message).toMatch(
      /__metadata__ must be an object of string values, got a string/,
    );
  });
});

describe('readSafetensorsFile', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'forge-safetensors-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a file from disk', async () => {
    const file = path.join(dir, 'model.safetensors');
    await writeFile(
      file,
      safetensorsBytes(
        `{${f32('w', 1, 0)}}`,
        dataBytes(4, (view) => view.setFloat32(0, 0.25, true)),
      ),
    );
    const { weights } = await readSafetensorsFile(file);
    expect(weights.get('w')?.data).toEqual(new Float32Array([0.25]));
  });

  it('names the file in a format error', async () => {
    const file = path.join(dir, 'broken.safetensors');
    await writeFile(file, new Uint8Array(3));
    await expect(readSafetensorsFile(file)).rejects.toThrow(
      `${file}: not a safetensors file: 3 bytes is shorter than the 8-byte header length`,
    );
  });

  it('names a missing file', async () => {
    const file = path.join(dir, 'absent.safetensors');
    await expect(readSafetensorsFile(file)).rejects.toThrow(`${file}: file not found`);
  });
});
