export {
  DTYPES,
  DTYPE_BYTES,
  allocateArray,
  assertHostTensor,
  elementCount,
  formatShape,
  hostTensor,
  isDtype,
  isValidShape,
  sameShape,
  type Dtype,
  type DtypeArrays,
  type HostTensor,
  type WeightMap,
} from './dtype.js';
export {
  bfloat16BitsToFloat32,
  decodeBfloat16,
  decodeFloat16,
  encodeBfloat16,
  encodeFloat16,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from './float16.js';
export { hostFromValues, hostValues } from './host-values.js';
export {
  MAX_HEADER_BYTES,
  parseSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
} from './safetensors-header.js';
export { readSafetensors, readSafetensorsFile, type SafetensorsContents } from './safetensors-read.js';
export { encodeSafetensors, writeSafetensorsFile, type SafetensorsWriteOptions } from './safetensors-write.js';
export { fromTfTensor, toTfTensor, weightsFromTf, weightsToTf } from './tf-convert.js';
export { openSafetensorsFile, type LazySafetensors } from './safetensors-lazy.js';
