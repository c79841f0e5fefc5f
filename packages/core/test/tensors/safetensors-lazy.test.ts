import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForgeError } from '../../src/errors.js';
import { openSafetensorsFile, readSafetensors } from '../../src/tensors/index.js';
import { dataBytes, safetensorsBytes } from './fixtures.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'safetensors-lazy-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(bytes: Uint8Array, name = 'model.safetensors'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, bytes);
  return file;
}

/** a: F32 [2] = [1.5, -2]; b: I8 [3] = [7, -8, 9]; the header written by hand, not by our writer. */
function twoTensorFile(metadataValue = 'pt'): Uint8Array {
  const header =
    `{"__metadata__":{"format":"${metadataValue}"},` +
    '"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},' +
    '"b":{"dtype":"I8","shape":[3],"data_offsets":[8,11]}}';
  const data = dataBytes(11, (view) => {
    view.setFloat32(0, 1.5, true);
    view.setFloat32(4, -2, true);
    view.setInt8(8, 7);
    view.setInt8(9, -8);
    view.setInt8(10, 9);
  });
  return safetensorsBytes(header, data);
}

async function openError(file: string): Promise<ForgeError> {
  try {
    const reader = await openSafetensorsFile(file);
    await reader.close();
  } catch (error) {
    expect(error).toBeInstanceOf(ForgeError);
    return error as ForgeError;
  }
  throw new Error('expected openSafetensorsFile to reject the file');
}

describe('openSafetensorsFile reads the header, then one tensor at a time', () => {
  it('lists the entries in file order and reads each tensor’s exact values on demand', async () => {
    const reader = await openSafetensorsFile(await fileWith(twoTensorFile()));
    try {
      expect(reader.entries.map((entry) => entry.name)).toEqual(['a', 'b']);
      expect(reader.header.metadata).toEqual({ format: 'pt' });
      expect(reader.entry('b')).toMatchObject({ dtype: 'I8', shape: [3] });
      const b = await reader.readTensor('b');
      expect(b.dtype).toBe('I8');
      expect([...b.data]).toEqual([7, -8, 9]);
      const a = await reader.readTensor('a');
      expect(a.shape).toEqual([2]);
      expect([...a.data]).toEqual([1.5, -2]);
    } finally {
      await reader.close();
    }
  });

  it('handles a header longer than the first read (64 KiB)', async () => {
    const long = 'x'.repeat(70_000);
    const reader = await openSafetensorsFile(await fileWith(twoTensorFile(long)));
    try {
      expect(reader.header.metadata.format).toHaveLength(70_000);
      expect([...(await reader.readTensor('a')).data]).toEqual([1.5, -2]);
    } finally {
      await reader.close();
    }
  });

  it('gives the same tensors as reading the whole file', async () => {
    const bytes = twoTensorFile();
    const whole = readSafetensors(bytes);
    const reader = await openSafetensorsFile(await fileWith(bytes));
    try {
      for (const [name, tensor] of whole.weights) {
        const lazy = await reader.readTensor(name);
        expect(lazy.dtype).toBe(tensor.dtype);
        expect([...lazy.data]).toEqual([...tensor.data]);
      }
    } finally {
      await reader.close();
    }
  });

  it('applies the whole-file rules to data it has not read: trailing bytes and truncation are errors', async () => {
    const bytes = twoTensorFile();
    const trailing = new Uint8Array(bytes.length + 1);
    trailing.set(bytes);
    expect((await openError(await fileWith(trailing, 'trailing.safetensors'))).message).toMatch(
      /1 trailing data bytes/,
    );
    const truncated = bytes.subarray(0, bytes.length - 1);
    expect((await openError(await fileWith(truncated, 'short.safetensors'))).message).toMatch(
      /tensor 'b'.*out of range/,
    );
    expect((await openError(await fileWith(new Uint8Array(5), 'tiny.safetensors'))).message).toMatch(
      /shorter than the 8-byte header length/,
    );
  });

  it('names the file when it is missing, and the tensor when it is unknown or the file is closed', async () => {
    const missing = path.join(dir, 'missing.safetensors');
    const error = await openError(missing);
    expect(error.file).toBe(missing);
    expect(error.message).toMatch(/file not found/);
    const reader = await openSafetensorsFile(await fileWith(twoTensorFile()));
    await expect(reader.readTensor('nope')).rejects.toThrow(/no tensor 'nope'/);
    await reader.close();
    await expect(reader.readTensor('a')).rejects.toThrow(/tensor 'a'.*closed/);
  });
});
