// The package's install step: builds the native kernel addon with node-gyp (the one npm and pnpm
// bundle) against the Node headers npm is configured with. It never fails the install: a machine
// with no compiler or no Eigen headers uses the prebuilt binary the package ships for its CPU (or
// the wasm engine when there is none), and the reason is written to build/status.json, which
// `forge info` prints.
//   FORGE_NATIVE_BUILD=0          skip the build
//   FORGE_EIGEN_INCLUDE=DIR       where Eigen 3's headers are (default /usr/include/eigen3)
//   FORGE_NATIVE_MARCH=-march=X   target CPU (default -march=native: this machine's vector units)
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildErrorSummary, findNodeGyp, nodeGypRebuild } from './node-gyp.mjs';

const packageDir = path.resolve(import.meta.dirname, '..');
const buildDir = path.join(packageDir, 'build');
const eigenInclude = process.env.FORGE_EIGEN_INCLUDE || '/usr/include/eigen3';
const march = process.env.FORGE_NATIVE_MARCH || '-march=native';

function writeStatus(status) {
  mkdirSync(buildDir, { recursive: true });
  const file = path.join(buildDir, 'status.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  const line = status.built
    ? 'native kernels built'
    : `native kernels not built (${status.reason}); the engine will use a prebuilt binary for this CPU, else wasm`;
  console.log(`@agent-forge/native-kernels: ${line}`);
}

/** The compiler make will call (gyp's Makefiles use $CXX, make's default is g++), when it is on PATH. */
function hasCompiler() {
  const compiler = process.env.CXX || 'g++';
  if (path.isAbsolute(compiler)) return existsSync(compiler);
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  return dirs.some((dir) => existsSync(path.join(dir, compiler.split(' ')[0])));
}

function build() {
  if (process.env.FORGE_NATIVE_BUILD === '0') return { built: false, reason: 'FORGE_NATIVE_BUILD=0' };
  if (!hasCompiler()) {
    return { built: false, reason: `no C++ compiler (${process.env.CXX || 'g++'} is not on PATH; set CXX)` };
  }
  if (!existsSync(path.join(eigenInclude, 'Eigen', 'Core'))) {
    return {
      built: false,
      reason: `Eigen 3 headers not found in ${eigenInclude} (Debian/Ubuntu: apt install libeigen3-dev; or set FORGE_EIGEN_INCLUDE)`,
    };
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) return { built: false, reason: 'node-gyp not found (it ships with npm)' };
  const started = Date.now();
  const result = nodeGypRebuild(nodeGyp, packageDir, { eigenInclude, march });
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(path.join(buildDir, 'build.log'), `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const summary = buildErrorSummary(result).slice(0, 400);
    return { built: false, reason: `node-gyp rebuild failed: ${summary} (full log: build/build.log)` };
  }
  return { built: true, seconds: Math.round((Date.now() - started) / 100) / 10, march };
}

writeStatus(build());
