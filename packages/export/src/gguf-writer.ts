/**
 * A GGUF (version 3) file writer: header, typed key/value metadata, tensor infos, then the tensor data,
 * each tensor aligned to `general.alignment` (32 bytes). Layout from llama.cpp's docs/gguf.md; all
 * numbers little-endian. Dimensions are written fastest-varying first (`ne[0]` = a row's length), so a
 * PyTorch `[out, in]` matrix is `[in, out]` here.
 */

/** GGUF metadata value types (gguf.md `gguf_metadata_value_type`). */
export const GGUF_VALUE_TYPE = {
  /** Unsigned 32-bit integer. */
  uint32: 4,
  /** Signed 32-bit integer. */
  int32: 5,
  /** 32-bit float. */
  float32: 6,
  /** One byte, 0 or 1. */
  bool: 7,
  /** uint64 byte length, then UTF-8 bytes. */
  string: 8,
  /** Element type, uint64 count, then the elements. */
  array: 9,
} as const;

/** A metadata number: `uint32`, `int32` or `float32`. */
export interface GgufNumberValue {
  /** Its GGUF type. */
  readonly type: 'uint32' | 'int32' | 'float32';
  /** The number. */
  readonly value: number;
}

/** A metadata boolean. */
export interface GgufBoolValue {
  /** Always `bool`. */
  readonly type: 'bool';
  /** The flag. */
  readonly value: boolean;
}

/** A metadata string. */
export interface GgufStringValue {
  /** Always `string`. */
  readonly type: 'string';
  /** The text. */
  readonly value: string;
}

/** A metadata array of strings (e.g. tokens, merges). */
export interface GgufStringArrayValue {
  /** Always `string[]`. */
  readonly type: 'string[]';
  /** The strings, in order. */
  readonly value: readonly string[];
}

/** A metadata array of int32 (e.g. token types). */
export interface GgufInt32ArrayValue {
  /** Always `int32[]`. */
  readonly type: 'int32[]';
  /** The integers, in order. */
  readonly value: ArrayLike<number>;
}

/** One metadata value: its GGUF type and the value. */
export type GgufValue = GgufNumberValue | GgufBoolValue | GgufStringValue | GgufStringArrayValue | GgufInt32ArrayValue;

/** A tensor ready to write: ggml type id, dims in GGUF order and the encoded bytes. */
export interface GgufTensor {
  /** Tensor name, e.g. `blk.0.attn_q.weight`. */
  readonly name: string;
  /** Dimensions, fastest-varying first. */
  readonly dims: readonly number[];
  /** ggml type id (0 F32, 1 F16, 35 TQ2_0). */
  readonly ggmlType: number;
  /** The encoded data, already in that type's layout. */
  readonly bytes: Uint8Array;
}

const ALIGNMENT = 32;
const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const VERSION = 3;
const utf8 = new TextEncoder();

/** Appends little-endian values to a growing list of chunks. */
class ByteSink {
  readonly chunks: Uint8Array[] = [];
  length = 0;

  push(bytes: Uint8Array): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }

  scalar(size: number, write: (view: DataView) => void): void {
    const bytes = new Uint8Array(size);
    write(new DataView(bytes.buffer));
    this.push(bytes);
  }

  u32(value: number): void {
    this.scalar(4, (view) => view.setUint32(0, value, true));
  }

  u64(value: number): void {
    this.scalar(8, (view) => view.setBigUint64(0, BigInt(value), true));
  }

  string(value: string): void {
    const bytes = utf8.encode(value);
    this.u64(bytes.length);
    this.push(bytes);
  }

  padTo(alignment: number): void {
    const padding = (alignment - (this.length % alignment)) % alignment;
    if (padding > 0) this.push(new Uint8Array(padding));
  }
}

function writeValue(sink: ByteSink, entry: GgufValue): void {
  switch (entry.type) {
    case 'uint32':
      return sink.u32(entry.value);
    case 'int32':
      return sink.scalar(4, (view) => view.setInt32(0, entry.value, true));
    case 'float32':
      return sink.scalar(4, (view) => view.setFloat32(0, entry.value, true));
    case 'bool':
      return sink.scalar(1, (view) => view.setUint8(0, entry.value ? 1 : 0));
    case 'string':
      return sink.string(entry.value);
    case 'string[]':
      sink.u32(GGUF_VALUE_TYPE.string);
      sink.u64(entry.value.length);
      for (const item of entry.value) sink.string(item);
      return;
    case 'int32[]': {
      sink.u32(GGUF_VALUE_TYPE.int32);
      sink.u64(entry.value.length);
      const bytes = new Uint8Array(4 * entry.value.length);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < entry.value.length; i++) view.setInt32(4 * i, entry.value[i] as number, true);
      return sink.push(bytes);
    }
  }
}

function typeId(entry: GgufValue): number {
  return entry.type.endsWith('[]')
    ? GGUF_VALUE_TYPE.array
    : GGUF_VALUE_TYPE[entry.type as keyof typeof GGUF_VALUE_TYPE];
}

/** The whole GGUF file as chunks (write them in order); tensors appear in the given order. */
export function encodeGguf(metadata: ReadonlyMap<string, GgufValue>, tensors: readonly GgufTensor[]): Uint8Array[] {
  const sink = new ByteSink();
  sink.u32(MAGIC);
  sink.u32(VERSION);
  sink.u64(tensors.length);
  sink.u64(metadata.size);
  for (const [key, entry] of metadata) {
    sink.string(key);
    sink.u32(typeId(entry));
    writeValue(sink, entry);
  }
  let offset = 0;
  for (const tensor of tensors) {
    sink.string(tensor.name);
    sink.u32(tensor.dims.length);
    for (const dim of tensor.dims) sink.u64(dim);
    sink.u32(tensor.ggmlType);
    sink.u64(offset);
    offset += Math.ceil(tensor.bytes.length / ALIGNMENT) * ALIGNMENT;
  }
  sink.padTo(ALIGNMENT);
  for (const tensor of tensors) {
    sink.push(tensor.bytes);
    sink.padTo(ALIGNMENT);
  }
  return sink.chunks;
}
