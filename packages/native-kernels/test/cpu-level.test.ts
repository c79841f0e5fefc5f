// Which prebuilt x86-64 levels a CPU may run, from its /proc/cpuinfo flags: loading a level the CPU
// lacks would kill the process with SIGILL, so every flag of each level is checked.
import { describe, expect, it } from 'vitest';
import { describeThisCpu, parseCpuinfoFlags, supportedLevels } from '../src/cpu-level.js';
import type { CpuDescription } from '../src/cpu-level.js';
import { unsupportedPlatform } from '../src/cpu-level.js';

const V2 = ['fpu', 'sse', 'sse2', 'cx16', 'lahf_lm', 'popcnt', 'pni', 'ssse3', 'sse4_1', 'sse4_2'];
const V3 = [...V2, 'avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe', 'xsave', 'abm'];
const V4 = [...V3, 'avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'];

function cpu(flags: string[], overrides: Partial<CpuDescription> = {}): CpuDescription {
  return { platform: 'linux', arch: 'x64', libc: 'glibc', flags: new Set(flags), ...overrides };
}
const without = (flags: string[], ...dropped: string[]) => flags.filter((flag) => !dropped.includes(flag));

describe('prebuilt level dispatch', () => {
  it('picks every level a CPU meets, best first', () => {
    expect(supportedLevels(cpu(V4))).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64-v2']);
    expect(supportedLevels(cpu(V3))).toEqual(['x86-64-v3', 'x86-64-v2']);
    expect(supportedLevels(cpu(V2))).toEqual(['x86-64-v2']);
    expect(supportedLevels(cpu(['fpu', 'sse', 'sse2']))).toEqual([]);
  });

  it('drops a level when any one of its flags is missing', () => {
    for (const flag of ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl']) {
      expect(supportedLevels(cpu(without(V4, flag))), flag).toEqual(['x86-64-v3', 'x86-64-v2']);
    }
    for (const flag of ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe', 'xsave']) {
      expect(supportedLevels(cpu(without(V4, flag))), flag).toEqual(['x86-64-v2']);
    }
    for (const flag of ['cx16', 'lahf_lm', 'popcnt', 'pni', 'ssse3', 'sse4_1', 'sse4_2']) {
      expect(supportedLevels(cpu(without(V4, flag))), flag).toEqual([]);
    }
  });

  it('takes AVX2 + BMI1 for LZCNT when a hypervisor hides the abm flag, and nothing else for it', () => {
    expect(supportedLevels(cpu(without(V4, 'abm')))).toEqual(['x86-64-v4', 'x86-64-v3', 'x86-64-v2']);
    expect(supportedLevels(cpu([...without(V3, 'abm'), 'lzcnt']))).toEqual(['x86-64-v3', 'x86-64-v2']);
  });

  it('offers nothing off linux-x64 on glibc, and says why', () => {
    for (const other of [{ arch: 'arm64' }, { platform: 'darwin' }, { platform: 'win32' }, { libc: 'musl' as const }]) {
      expect(supportedLevels(cpu(V4, other)), JSON.stringify(other)).toEqual([]);
    }
    expect(unsupportedPlatform(cpu(V4, { arch: 'arm64' }))).toMatch(/linux-x64 only, this is linux-arm64/);
    expect(unsupportedPlatform(cpu(V4, { libc: 'musl' }))).toMatch(/need glibc.*musl/);
    expect(unsupportedPlatform(cpu(V4))).toBeUndefined();
  });

  it("reads the first CPU's flags line of /proc/cpuinfo", () => {
    const cpuinfo = 'processor\t: 0\nflags\t\t: fpu sse2 avx2\nbugs\t\t: spectre\n\nprocessor\t: 1\nflags\t\t: fpu\n';
    expect([...parseCpuinfoFlags(cpuinfo)]).toEqual(['fpu', 'sse2', 'avx2']);
    expect(parseCpuinfoFlags('processor\t: 0\n').size).toBe(0);
    // This machine (CI is linux-x64 on glibc) reads its own flags: at least SSE2, which every x86-64 has.
    expect(describeThisCpu()).toMatchObject({ platform: 'linux', arch: 'x64', libc: 'glibc' });
    expect(describeThisCpu().flags.has('sse2')).toBe(true);
  });
});
