// The environment PyTorch is benchmarked in. Debian's python3-torch links libblas.so.3, which the
// alternatives system points at OpenBLAS's *pthreads* build when both are installed (priority 100 vs 95):
// then torch's OpenMP pool and OpenBLAS's own threads both run on the 2 cores, and two-thread runs took
// up to twice as long as one-thread runs. The OpenMP build (libopenblas0-openmp) shares torch's pool, so
// it is put first on the library path when it is installed.
import { existsSync } from 'node:fs';

const OPENMP_OPENBLAS = '/usr/lib/x86_64-linux-gnu/openblas-openmp';

/** `base` with the OpenMP OpenBLAS first on LD_LIBRARY_PATH, when that build is installed. */
export function torchEnv(base = process.env) {
  if (!existsSync(`${OPENMP_OPENBLAS}/libblas.so.3`)) return { ...base };
  const rest = base.LD_LIBRARY_PATH ? `:${base.LD_LIBRARY_PATH}` : '';
  return { ...base, LD_LIBRARY_PATH: `${OPENMP_OPENBLAS}${rest}` };
}
