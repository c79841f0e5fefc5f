/**
 * The few ONNX protobuf messages an exported graph needs (ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto), encoded by hand: field numbers from onnx/onnx.proto.
 * Protobuf's wire format is small — varints, and length-delimited bytes for strings and sub-messages.
 */

/** Protobuf wire types used here. */
const VARINT = 0;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;
const utf8 = new TextEncoder();

/** Builds one message's bytes field by field. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  /** A varint of a (possibly negative) integer; negatives take ten bytes (two's complement, int64). */
  private varint(value: number | bigint): void {
    let rest = BigInt.asUintN(64, BigInt(value));
    const bytes: number[] = [];
    do {
      let byte = Number(rest & 0x7fn);
      rest >>= 7n;
      if (rest > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (rest > 0n);
    this.parts.push(Uint8Array.from(bytes));
  }

  private key(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** An integer field (int32, int64, enum). */
  int(field: number, value: number): this {
    this.key(field, VARINT);
    this.varint(value);
    return this;
  }

  /** A float field. */
  float(field: number, value: number): this {
    this.key(field, FIXED32);
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.parts.push(bytes);
    return this;
  }

  /** A bytes field. */
  bytes(field: number, value: Uint8Array): this {
    this.key(field, LENGTH_DELIMITED);
    this.varint(value.length);
    this.parts.push(value);
    return this;
  }

  /** A string field. */
  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** A sub-message field. */
  message(field: number, message: ProtoWriter): this {
    return this.bytes(field, message.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const length = this.parts.reduce((sum, part) => sum + part.length, 0);
    const out = new Uint8Array(length);
    let offset = 0;
    for (const part of this.parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }
}

/** ONNX TensorProto data types used here. */
export const ONNX_TYPE = {
  /** float32. */
  float: 1,
  /** bool. */
  bool: 9,
  /** int64. */
  int64: 7,
} as const;

/** A dimension of a graph input or output: a number, or a symbolic name (`batch`, `sequence`). */
export type OnnxDim = number | string;

/** TensorProto: a named constant (initializer) with raw little-endian data. */
export function tensorProto(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): ProtoWriter {
  const tensor = new ProtoWriter();
  for (const dim of dims) tensor.int(1, dim);
  tensor.int(2, data instanceof Float32Array ? ONNX_TYPE.float : ONNX_TYPE.int64);
  tensor.string(8, name);
  return tensor.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

/** ValueInfoProto: a graph input or output with its element type and shape. */
export function valueInfo(name: string, elementType: number, dims: readonly OnnxDim[]): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of dims)
    shape.message(1, typeof dim === 'number' ? new ProtoWriter().int(1, dim) : new ProtoWriter().string(2, dim));
  const tensorType = new ProtoWriter().int(1, elementType).message(2, shape);
  return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
}

/** An integer attribute (e.g. `axis`). */
export interface OnnxIntAttribute {
  /** The value. */
  readonly int: number;
}

/** A float attribute. */
export interface OnnxFloatAttribute {
  /** The value. */
  readonly float: number;
}

/** A list-of-integers attribute (e.g. `perm`, `axes`). */
export interface OnnxIntsAttribute {
  /** The values, in order. */
  readonly ints: readonly number[];
}

/** An attribute value of a node. */
export type OnnxAttribute = OnnxIntAttribute | OnnxFloatAttribute | OnnxIntsAttribute;

/** NodeProto: one operator call. */
export function nodeProto(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attributes: Readonly<Record<string, OnnxAttribute>> = {},
): ProtoWriter {
  const node = new ProtoWriter();
  for (const input of inputs) node.string(1, input);
  for (const output of outputs) node.string(2, output);
  node.string(3, name).string(4, opType);
  for (const [attributeName, value] of Object.entries(attributes)) {
    const attribute = new ProtoWriter().string(1, attributeName);
    // AttributeProto.type: FLOAT 1, INT 2, INTS 7.
    if ('int' in value) attribute.int(3, value.int).int(20, 2);
    else if ('float' in value) attribute.float(2, value.float).int(20, 1);
    else {
      for (const item of value.ints) attribute.int(8, item);
      attribute.int(20, 7);
    }
    node.message(5, attribute);
  }
  return node;
}
