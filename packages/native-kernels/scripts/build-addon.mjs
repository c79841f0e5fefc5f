// The package's install step: builds the native kernel addon with node-gyp (the one npm and pnpm
// bundle) against the Node headers npm is configured with. It never fails the install: a machine
// with no compiler or no Eigen headers keeps working on the wasm engine, and the reason is written
// to build/status.json, which `forge info` prints.
//   FORGE_NATIVE_BUILD=0          skip the build
//   FORGE_EIGEN_INCLUDE=DIR       where Eigen 3's headers are (default /usr/include/eigen3)
//   FORGE_NATIVE_MARCH=-march=X   target CPU (default -march=native: this machine's vector units)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const packageDir = path.resolve(import.meta.dirname, '..');
const buildDir = path.join(packageDir, 'build');
const eigenInclude = process.env.FORGE_EIGEN_INCLUDE || '/usr/include/eigen3';

function writeStatus(status) {
  mkdirSync(buildDir, { recursive: true });
  const file = path.join(buildDir, 'status.json');
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ ...status, at: new Date().toISOString() }, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
  const line = status.built
    ? 'native kernels built'
    : `native kernels not built (${status.reason}); the engine will use wasm`;
  console.log(`@agent-forge/native-kernels: ${line}`);
}

/** node-gyp: the one the package manager running us points at, else npm's own, else a dependency. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp];
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(path.join(path.dirname(npmCli), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  candidates.push(
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  );
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: the bundled copies above are the usual source
  }
  return candidates.find((candidate) => candidate && existsSync(candidate));
}

/**
 * Node's own headers, so node-gyp does not try to download them (these machines reach only the npm
 * registry): the package manager's `nodedir` setting, else the prefix this Node was installed to.
 */
function nodeDirArgs() {
  const configured = process.env.npm_config_nodedir;
  if (configured) return [`--nodedir=${configured}`];
  const prefixes = [process.config.variables.node_prefix, path.dirname(path.dirname(process.execPath))];
  const prefix = prefixes.find(
    (dir) => typeof dir === 'string' && existsSync(path.join(dir, 'include', 'node', 'node_api.h')),
  );
  return prefix === undefined ? [] : [`--nodedir=${prefix}`];
}

function build() {
  if (process.env.FORGE_NATIVE_BUILD === '0') return { built: false, reason: 'FORGE_NATIVE_BUILD=0' };
  if (!existsSync(path.join(eigenInclude, 'Eigen', 'Core'))) {
    return {
      built: false,
      reason: `Eigen 3 headers not found in ${eigenInclude} (Debian/Ubuntu: apt install libeigen3-dev; or set FORGE_EIGEN_INCLUDE)`,
    };
  }
  const nodeGyp = findNodeGyp();
  if (nodeGyp === undefined) return { built: false, reason: 'node-gyp not found (it ships with npm)' };
  const started = Date.now();
  // Eigen is a system include (no warnings from its headers), but a compiler can still be chatty:
  // a generous buffer, so a long log never ends the build.
  const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodeDirArgs()], {
    cwd: packageDir,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, FORGE_EIGEN_INCLUDE: eigenInclude },
  });
  mkdirSync(buildDir, { recursive: true });
  writeFileSync(path.join(buildDir, 'build.log'), `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (result.status !== 0) {
    const errors = (result.stderr ?? '').split('\n').filter((line) => /error|not found|No such file/i.test(line));
    const tail = [
      ...(result.error ? [String(result.error)] : []),
      ...(errors.length > 0 ? errors.slice(0, 3) : (result.stderr ?? '').trim().split('\n').slice(-3)),
    ].join(' | ');
    return { built: false, reason: `node-gyp rebuild failed: ${tail.slice(0, 400)} (full log: build/build.log)` };
  }
  return {
    built: true,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    march: process.env.FORGE_NATIVE_MARCH || '-march=native',
  };
}

writeStatus(build());
