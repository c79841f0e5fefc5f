import { useBackend } from '../../src/backend/index.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf, type Variable } from '../../src/backend/tf.js';
import { ForgeError } from '../../src/errors.js';
import {
  fromTfTensor,
  hostFromValues,
  hostTensor,
  hostValues,
  toTfTensor,
  weightsFromTf,
  weightsToTf,
  type HostTensor,
} from '../../src/tensors/index.js';

// The plain CPU backend: these tests check conversions, not backends, and must not wait on wasm.
beforeAll(async () => {
  await useBackend('cpu');
});

describe('hostValues / hostFromValues', () => {
  it('decodes every dtype to float32 or int32 numbers', () => {
    expect(hostValues(hostTensor('F16', [2], new Uint16Array([0x3c00, 0xc000])))).toEqual(new Float32Array([1, -2]));
    expect(hostValues(hostTensor('BF16', [1], new Uint16Array([0x4049])))).toEqual(new Float32Array([3.140625]));
    expect(hostValues(hostTensor('I8', [2], new Int8Array([-3, 4])))).toEqual(new Int32Array([-3, 4]));
    expect(hostValues(hostTensor('U8', [1], new Uint8Array([200])))).toEqual(new Int32Array([200]));
  });

  it('returns a copy the caller may mutate', () => {
    const tensor = hostTensor('F32', [1], new Float32Array([5]));
    hostValues(tensor)[0] = 0;
    expect(tensor.data[0]).toBe(5);
  });

  it('encodes floats with round-to-nearest-even', () => {
    expect(hostFromValues('F16', [3], [1, 65520, 2 ** -24]).data).toEqual(new Uint16Array([0x3c00, 0x7c00, 0x0001]));
    expect(hostFromValues('BF16', [1], [0.1]).data).toEqual(new Uint16Array([0x3dcd]));
  });

  it('rejects integers out of range or with a fraction instead of wrapping', () => {
    expect(() => hostFromValues('I8', [2], [1, 128])).toThrow(
      /value 128 at index 1 of a \[2\] tensor is not an integer in the I8 range \[-128, 127\]/,
    );
    expect(() => hostFromValues('U8', [1], [-1])).toThrow(/U8 range \[0, 255\]/);
    expect(() => hostFromValues('I32', [1], [0.5])).toThrow(/value 0.5 at index 0/);
    expect(hostFromValues('U8', [2], [0, 255]).data).toEqual(new Uint8Array([0, 255]));
  });

  it('rejects values that do not fill the shape', () => {
    expect(() => hostFromValues('F32', [2, 2], [1, 2, 3])).toThrow(/shape \[2, 2\] needs 4 elements, data has 3/);
  });
});

describe('toTfTensor / fromTfTensor', () => {
  it('turns F16 and BF16 into float32 tensors and integer dtypes into int32 tensors', () => {
    const cases: [HostTensor, string, number[]][] = [
      [hostTensor('F16', [2], new Uint16Array([0x3c00, 0xc000])), 'float32', [1, -2]],
      [hostTensor('BF16', [1], new Uint16Array([0x3f80])), 'float32', [1]],
      [hostTensor('I8', [2], new Int8Array([-128, 127])), 'int32', [-128, 127]],
      [hostTensor('U8', [1], new Uint8Array([255])), 'int32', [255]],
      [hostTensor('I32', [1], new Int32Array([-5])), 'int32', [-5]],
    ];
    for (const [host, dtype, values] of cases) {
      const tensor = toTfTensor(host);
      expect(tensor.dtype).toBe(dtype);
      expect(Array.from(tensor.dataSync())).toEqual(values);
      tensor.dispose();
    }
  });

  it('keeps shape and values of an F32 tensor, and does not share memory with it', () => {
    const host = hostTensor('F32', [2, 2], new Float32Array([1, 2, 3, 4]));
    const tensor = toTfTensor(host);
    host.data[0] = 100;
    expect(tensor.shape).toEqual([2, 2]);
    expect(Array.from(tensor.dataSync())).toEqual([1, 2, 3, 4]);
    tensor.dispose();
  });

  it('converts a tensor back to any dtype, defaulting by tfjs dtype', () => {
    const floats = tf.tensor2d([
      [1, -2],
      [0.1, 65504],
    ]);
    expect(fromTfTensor(floats)).toEqual(hostTensor('F32', [2, 2], new Float32Array([1, -2, 0.1, 65504])));
    expect(fromTfTensor(floats, 'F16').data).toEqual(new Uint16Array([0x3c00, 0xc000, 0x2e66, 0x7bff]));
    expect(fromTfTensor(floats, 'BF16').dtype).toBe('BF16');
    const ints = tf.tensor1d([3, -4], 'int32');
    expect(fromTfTensor(ints)).toEqual(hostTensor('I32', [2], new Int32Array([3, -4])));
    expect(fromTfTensor(ints, 'I8').data).toEqual(new Int8Array([3, -4]));
    tf.dispose([floats, ints]);
  });

  it('names the tensor when values do not fit the dtype', () => {
    const tensor = tf.tensor1d([300], 'int32');
    expect(() => fromTfTensor(tensor, 'U8', 'embed')).toThrow(ForgeError);
    expect(() => fromTfTensor(tensor, 'U8', 'embed')).toThrow(/tensor 'embed': value 300 at index 0/);
    tensor.dispose();
  });

  it('rejects tfjs dtypes safetensors cannot hold', () => {
    const strings = tf.tensor1d(['a'], 'string');
    expect(() => fromTfTensor(strings, undefined, 'vocab')).toThrow(
      /tensor 'vocab': cannot store a tfjs string tensor/,
    );
    strings.dispose();
  });
});

describe('weightsFromTf / weightsToTf', () => {
  it('round-trips named variables through a WeightMap without leaking tensors', () => {
    const before = tf.memory().numTensors;
    const initial = [
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.scalar(7, 'int32'),
    ] as const;
    const variables = new Map<string, Variable>([
      ['embed', tf.variable(initial[0], true, 'embed-test')],
      ['step', tf.variable(initial[1], false, 'step-test')],
    ]);
    tf.dispose([...initial]);
    const weights = weightsFromTf(variables);
    expect([...weights.keys()]).toEqual(['embed', 'step']);
    expect(weights.get('embed')).toEqual(hostTensor('F32', [2, 2], new Float32Array([1, 2, 3, 4])));
    expect(weights.get('step')).toEqual(hostTensor('I32', [], new Int32Array([7])));

    const tensors = weightsToTf(weights);
    expect(tensors.get('embed')?.shape).toEqual([2, 2]);
    expect(Array.from(tensors.get('embed')?.dataSync() ?? [])).toEqual([1, 2, 3, 4]);
    expect(tensors.get('step')?.dtype).toBe('int32');
    tf.dispose([...tensors.values(), ...variables.values()]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('accepts a plain record and a storage dtype', () => {
    const tensor = tf.tensor1d([1, 2]);
    const weights = weightsFromTf({ w: tensor }, 'F16');
    expect(weights.get('w')).toEqual(hostTensor('F16', [2], new Uint16Array([0x3c00, 0x4000])));
    tensor.dispose();
  });

  it('disposes what it made when one weight is invalid', () => {
    const before = tf.memory().numTensors;
    const bad = { dtype: 'F32', shape: [3], data: new Float32Array(1) } as HostTensor;
    const weights = new Map([
      ['good', hostTensor('F32', [1], new Float32Array([1]))],
      ['bad', bad],
    ]);
    expect(() => weightsToTf(weights)).toThrow(/tensor 'bad': shape \[3\] needs 3 elements, data has 1/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
