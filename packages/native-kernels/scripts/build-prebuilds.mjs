// The pack step (`prepack`, so `pnpm pack` / `pnpm publish` run it; installs never do): compiles the
// addon once per x86-64 CPU level into prebuilds/linux-x64/, for users with no compiler. N-API is
// ABI-stable, so one binary per level serves every Node >= 20. The loader (src/load.ts) picks the
// best level the CPU supports. Each level builds in its own temporary copy of binding.gyp + csrc/, so
// the developer's own build/ (the -march=native addon) is left alone.
//   FORGE_PREBUILD_VARIANTS=x86-64-v2[,…]   build only these levels (default: all three)
// A failed build fails the pack: a package must not ship without the binaries it promises.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildErrorSummary, findNodeGyp, nodeGypRebuild } from './node-gyp.mjs';

const LEVELS = ['x86-64-v4', 'x86-64-v3', 'x86-64-v2'];
const packageDir = path.resolve(import.meta.dirname, '..');
const outDir = path.join(packageDir, 'prebuilds', 'linux-x64');
const eigenInclude = process.env.FORGE_EIGEN_INCLUDE || '/usr/include/eigen3';

function fail(message) {
  console.error(`@agent-forge/native-kernels prebuilds: ${message}`);
  process.exit(1);
}

function requestedLevels() {
  const requested = process.env.FORGE_PREBUILD_VARIANTS;
  if (requested === undefined || requested === '') return LEVELS;
  const levels = requested.split(',').map((level) => level.trim());
  const unknown = levels.filter((level) => !LEVELS.includes(level));
  if (unknown.length > 0) fail(`FORGE_PREBUILD_VARIANTS: unknown ${unknown.join(', ')} (known: ${LEVELS.join(', ')})`);
  return levels;
}

/** CPU seconds of every finished child process so far (Linux: /proc/self/stat cutime + cstime, in ticks). */
function childCpuSeconds() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function buildLevel(nodeGyp, level) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `forge-prebuild-${level}-`));
  try {
    cpSync(path.join(packageDir, 'binding.gyp'), path.join(dir, 'binding.gyp'));
    cpSync(path.join(packageDir, 'csrc'), path.join(dir, 'csrc'), { recursive: true });
    const [started, cpuBefore] = [Date.now(), childCpuSeconds()];
    const result = nodeGypRebuild(nodeGyp, dir, { eigenInclude, march: `-march=${level}`, jobs: 'max' });
    if (result.status !== 0) fail(`${level} failed: ${buildErrorSummary(result).slice(0, 600)}`);
    const target = path.join(outDir, `forge_native.glibc.${level}.node`);
    cpSync(path.join(dir, 'build', 'Release', 'forge_native.node'), `${target}.tmp`);
    renameSync(`${target}.tmp`, target);
    const [wall, cpu] = [(Date.now() - started) / 1000, childCpuSeconds() - cpuBefore];
    console.log(`@agent-forge/native-kernels prebuilds: ${level} in ${wall.toFixed(0)} s (${cpu.toFixed(0)} CPU s)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const glibc = process.report.getReport().header.glibcVersionRuntime;
if (process.platform !== 'linux' || process.arch !== 'x64' || glibc === undefined) {
  fail(`the prebuilt binaries are linux-x64 glibc builds; this is ${process.platform}-${process.arch} without glibc`);
}
const levels = requestedLevels();
const nodeGyp = findNodeGyp();
if (nodeGyp === undefined) fail('node-gyp not found (it ships with npm)');
// Only the requested levels ship: a stale binary from an earlier pack must not.
rmSync(path.join(packageDir, 'prebuilds'), { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
for (const level of levels) buildLevel(nodeGyp, level);
