// The loader's order (local build, then the best prebuilt level the CPU runs, a missing level falling
// through to the next) on a temporary package layout. The "prebuilt" binaries here are copies of this
// machine's own build: real addons, so a chosen file really loads and multiplies.
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CpuDescription, PrebuiltLevel } from '../src/cpu-level.js';
import { loadAddon, nativeBuildStatus, PACKAGE_LOCATIONS, prebuiltFileName } from '../src/load.js';
import type { AddonLocations } from '../src/load.js';

const V2 = ['cx16', 'lahf_lm', 'popcnt', 'pni', 'ssse3', 'sse4_1', 'sse4_2'];
const V3 = [...V2, 'avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe', 'xsave', 'abm'];
const V4 = [...V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];
const cpu = (flags: string[], arch = 'x64'): CpuDescription => ({
  platform: 'linux',
  arch,
  libc: 'glibc',
  flags: new Set(flags),
});

/** A package layout with these prebuilt levels (copies of the real addon) and this install status. */
function layout(levels: PrebuiltLevel[], status?: object, local = false): AddonLocations {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-native-load-'));
  const locations = {
    localAddon: path.join(dir, 'build', 'Release', 'forge_native.node'),
    statusFile: path.join(dir, 'build', 'status.json'),
    prebuildsDir: path.join(dir, 'prebuilds', 'linux-x64'),
  };
  mkdirSync(path.dirname(locations.localAddon), { recursive: true });
  mkdirSync(locations.prebuildsDir, { recursive: true });
  if (status !== undefined) writeFileSync(locations.statusFile, JSON.stringify(status));
  if (local) copyFileSync(PACKAGE_LOCATIONS.localAddon, locations.localAddon);
  for (const level of levels) {
    copyFileSync(PACKAGE_LOCATIONS.localAddon, path.join(locations.prebuildsDir, prebuiltFileName(level)));
  }
  return locations;
}

const noCompiler = { built: false, reason: 'no C++ compiler (g++ is not on PATH; set CXX)' };

describe('addon loader', () => {
  it('uses the best prebuilt level the CPU runs when there is no local build, and says why', () => {
    const loaded = loadAddon(layout(['x86-64-v4', 'x86-64-v3', 'x86-64-v2'], noCompiler), cpu(V3));
    if (!loaded.ok) throw new Error(loaded.reason);
    expect(loaded.binary).toMatchObject({ source: 'prebuilt', level: 'x86-64-v3', why: noCompiler.reason });
    expect(loaded.binary.summary).toBe(`prebuilt x86-64-v3 (no local build: ${noCompiler.reason})`);
    const heap = Float32Array.of(1, 2, 3, 4, 5, 6, 0, 0); // [1,3]·[3,1] at offsets 0, 3 → 6
    loaded.kernels.batchMatMul(heap, 0, 3, 6, 1, 3, 1, false, false, Int32Array.of(0), Int32Array.of(0));
    expect(heap[6]).toBe(32);
  });

  it('falls through a level missing from the package to the next one down, never up', () => {
    const v2Only = loadAddon(layout(['x86-64-v2'], noCompiler), cpu(V4));
    expect(v2Only.ok && v2Only.binary.level).toBe('x86-64-v2');
    // A v3 CPU with only the v4 binary shipped gets no binary (v4 would die with SIGILL) and the reasons.
    const v4Only = loadAddon(layout(['x86-64-v4'], noCompiler), cpu(V3));
    expect(v4Only).toEqual({
      ok: false,
      reason: `${noCompiler.reason}; no prebuilt binary for this CPU (x86-64-v3 not in the package; x86-64-v2 not in the package)`,
    });
  });

  it('prefers the local build, but not a stale one the last install did not make', () => {
    const local = loadAddon(layout(['x86-64-v2'], { built: true, march: '-march=native' }, true), cpu(V4));
    expect(local.ok && local.binary).toMatchObject({ source: 'local', march: '-march=native' });
    expect(local.ok && local.binary.summary).toBe('local build (-march=native)');
    const stale = loadAddon(layout(['x86-64-v2'], noCompiler, true), cpu(V4));
    expect(stale.ok && stale.binary.source).toBe('prebuilt');
  });

  it('offers no prebuilt off linux-x64 or below x86-64-v2, with the install reason first', () => {
    expect(loadAddon(layout(['x86-64-v2'], noCompiler), cpu(V4, 'arm64'))).toEqual({
      ok: false,
      reason: `${noCompiler.reason}; prebuilt binaries are for linux-x64 only, this is linux-arm64`,
    });
    expect(loadAddon(layout(['x86-64-v2'], noCompiler), cpu(['sse2']))).toEqual({
      ok: false,
      reason: expect.stringMatching(/below x86-64-v2/),
    });
  });

  it('explains a missing or broken addon: the build status reason, or how to build', () => {
    const empty = layout([]);
    expect(loadAddon(empty, cpu(V4))).toEqual({ ok: false, reason: expect.stringMatching(/not built.*build-addon/) });
    writeFileSync(empty.statusFile, '{ torn');
    expect(nativeBuildStatus(empty.statusFile)).toBeUndefined();
    const broken = layout(['x86-64-v2'], noCompiler);
    writeFileSync(path.join(broken.prebuildsDir, prebuiltFileName('x86-64-v2')), 'not an ELF file');
    expect(loadAddon(broken, cpu(V4))).toEqual({
      ok: false,
      reason: expect.stringMatching(/x86-64-v2\.node failed to load: .*(ELF|too short)/),
    });
    const plain = layout([], { built: true });
    const notAnAddon = `${plain.localAddon}.cjs`;
    writeFileSync(notAnAddon, 'module.exports = { batchMatMul() {} };');
    expect(loadAddon({ ...plain, localAddon: notAnAddon }, cpu(V4))).toEqual({
      ok: false,
      reason: expect.stringMatching(/does not export the expected kernels; no prebuilt binary for this CPU/),
    });
  });
});
