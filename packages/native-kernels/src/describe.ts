import type { NativeBinary } from './types.js';

/**
 * One line for `forge info`: which binary runs and why that one, e.g. "prebuilt x86-64-v3 (no local
 * build: no C++ compiler (g++ is not on PATH; set CXX))" or "local build (-march=native)".
 */
export function describeNativeBinary(binary: Omit<NativeBinary, 'summary'>): string {
  if (binary.source === 'local') return `local build (${binary.march ?? '-march=native'})`;
  return `prebuilt ${binary.level ?? 'unknown level'} (no local build: ${binary.why ?? 'unknown reason'})`;
}
