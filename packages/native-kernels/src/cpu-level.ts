/**
 * Which prebuilt binaries this CPU can run. The package ships the addon compiled for three x86-64
 * micro-architecture levels (the psABI's x86-64-v2/-v3/-v4, as `gcc -march=` names them); a binary
 * built for a level the CPU lacks dies with SIGILL on its first vector instruction, so the choice is
 * made from the CPU's own feature flags (Linux: /proc/cpuinfo, which the kernel trims to what the
 * OS has enabled, e.g. no avx512* flags when it does not save the AVX-512 registers).
 */
import { readFileSync } from 'node:fs';

/** The x86-64 levels the package ships binaries for, best first. */
export const PREBUILT_LEVELS = ['x86-64-v4', 'x86-64-v3', 'x86-64-v2'] as const;

/** One of the x86-64 levels the package ships a binary for. */
export type PrebuiltLevel = (typeof PREBUILT_LEVELS)[number];

/** What decides which prebuilt binaries can load: the platform and the CPU's feature flags. */
export interface CpuDescription {
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** The C library Node runs on: the binaries link against glibc, and do not load on musl. */
  libc: 'glibc' | 'musl' | 'unknown';
  /** The CPU's feature flags as /proc/cpuinfo names them (avx2, avx512f, sse4_2, …). */
  flags: ReadonlySet<string>;
}

/**
 * The flags each level needs, cumulatively (x86-64 psABI, "Micro-architecture levels"): v2 adds
 * CMPXCHG16B, LAHF/SAHF, POPCNT, SSE3 (`pni`), SSSE3, SSE4.1/4.2; v3 adds AVX, AVX2, BMI1/2, F16C,
 * FMA, LZCNT, MOVBE and OS support for the AVX state (`xsave`); v4 adds AVX-512 F/BW/CD/DQ/VL.
 */
const LEVEL_FLAGS: Record<PrebuiltLevel, readonly string[]> = {
  'x86-64-v2': ['cx16', 'lahf_lm', 'popcnt', 'pni', 'ssse3', 'sse4_1', 'sse4_2'],
  'x86-64-v3': ['avx', 'avx2', 'bmi1', 'bmi2', 'f16c', 'fma', 'movbe', 'xsave'],
  'x86-64-v4': ['avx512f', 'avx512bw', 'avx512cd', 'avx512dq', 'avx512vl'],
};

/**
 * LZCNT is listed as `abm` (or `lzcnt`), but hypervisors sometimes hide that flag while passing
 * AVX2 and BMI1 through (the AMD EPYC virtual machines this project runs on do). No x86 CPU known
 * has AVX2 and BMI1 without LZCNT (Intel added all three in Haswell; AMD has had LZCNT since K10),
 * and on a CPU without it the instruction decodes as BSR rather than trapping, so the pair stands in.
 */
function hasLzcnt(flags: ReadonlySet<string>): boolean {
  return flags.has('abm') || flags.has('lzcnt') || (flags.has('avx2') && flags.has('bmi1'));
}

function meetsLevel(flags: ReadonlySet<string>, level: PrebuiltLevel): boolean {
  const levels = PREBUILT_LEVELS.slice(PREBUILT_LEVELS.indexOf(level));
  const needed = levels.flatMap((each) => LEVEL_FLAGS[each]);
  if (!needed.every((flag) => flags.has(flag))) return false;
  return level === 'x86-64-v2' || hasLzcnt(flags);
}

/** Why no prebuilt binary fits this machine, or undefined when one may (linux-x64 on glibc). */
export function unsupportedPlatform(cpu: CpuDescription): string | undefined {
  if (cpu.platform !== 'linux' || cpu.arch !== 'x64') {
    return `prebuilt binaries are for linux-x64 only, this is ${cpu.platform}-${cpu.arch}`;
  }
  if (cpu.libc !== 'glibc') return `prebuilt binaries need glibc, this Node runs on ${cpu.libc} libc`;
  return undefined;
}

/** The prebuilt levels this CPU can run, best first (empty off linux-x64/glibc or below x86-64-v2). */
export function supportedLevels(cpu: CpuDescription): PrebuiltLevel[] {
  if (unsupportedPlatform(cpu) !== undefined) return [];
  return PREBUILT_LEVELS.filter((level) => meetsLevel(cpu.flags, level));
}

/** The first CPU's `flags` line of a /proc/cpuinfo text, as a set (empty when there is none). */
export function parseCpuinfoFlags(cpuinfo: string): Set<string> {
  const line = cpuinfo.split('\n').find((each) => /^flags\s*:/.test(each));
  return new Set(
    line === undefined
      ? []
      : line
          .replace(/^flags\s*:/, '')
          .trim()
          .split(/\s+/),
  );
}

/** This process's platform, C library and (on Linux) CPU flags. */
export function describeThisCpu(): CpuDescription {
  let flags = new Set<string>();
  if (process.platform === 'linux') {
    try {
      flags = parseCpuinfoFlags(readFileSync('/proc/cpuinfo', 'utf8'));
    } catch {
      // no /proc: no flags, so no prebuilt binary is trusted
    }
  }
  return { platform: process.platform, arch: process.arch, libc: detectLibc(), flags };
}

function detectLibc(): CpuDescription['libc'] {
  if (process.platform !== 'linux') return 'unknown';
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  if (report.header?.glibcVersionRuntime !== undefined) return 'glibc';
  return 'musl';
}
