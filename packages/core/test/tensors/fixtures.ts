/**
 * Hand-built safetensors bytes: the header JSON is written out as a string and the length prefix
 * and data with DataView, so the tests check the reader against the format itself, not against
 * our own writer.
 */
export function safetensorsBytes(
  headerJson: string,
  data: Uint8Array = new Uint8Array(0),
  options: { pad?: boolean } = {},
): Uint8Array {
  const json = new TextEncoder().encode(headerJson);
  const headerLength = options.pad === true ? Math.ceil(json.length / 8) * 8 : json.length;
  const out = new Uint8Array(8 + headerLength + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerLength), true);
  out.fill(0x20, 8, 8 + headerLength);
  out.set(json, 8);
  out.set(data, 8 + headerLength);
  return out;
}

/** `length` data bytes, filled by `write` through a little-endian DataView. */
export function dataBytes(length: number, write: (view: DataView) => void = () => undefined): Uint8Array {
  const bytes = new Uint8Array(length);
  write(new DataView(bytes.buffer));
  return bytes;
}

/** A copy of `bytes` starting `shift` bytes into a fresh ArrayBuffer, to force misaligned views. */
export function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const backing = new Uint8Array(bytes.length + shift);
  backing.set(bytes, shift);
  return backing.subarray(shift);
}
