// Runs node-gyp on this package's binding.gyp: shared by the install step (build-addon.mjs, one
// build for this machine's CPU) and the pack step (build-prebuilds.mjs, one build per CPU level).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** node-gyp: the one the package manager running us points at, else npm's own, else a dependency. */
export function findNodeGyp() {
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

/**
 * `node-gyp rebuild` in `dir` (which holds binding.gyp and csrc/) for the CPU `march` names, with
 * Eigen from `eigenInclude`. Returns spawnSync's result; the addon lands in dir/build/Release.
 */
export function nodeGypRebuild(nodeGyp, dir, { eigenInclude, march, jobs }) {
  // Eigen is a system include (no warnings from its headers), but a compiler can still be chatty:
  // a generous buffer, so a long log never ends the build.
  return spawnSync(process.execPath, [nodeGyp, 'rebuild', ...nodeDirArgs(), ...(jobs ? [`--jobs=${jobs}`] : [])], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 256 * 2 ** 20,
    env: { ...process.env, FORGE_EIGEN_INCLUDE: eigenInclude, FORGE_NATIVE_MARCH: march },
  });
}

/** The first error lines of a failed build (or its last lines), for a one-line reason. */
export function buildErrorSummary(result) {
  const errors = (result.stderr ?? '').split('\n').filter((line) => /error|not found|No such file/i.test(line));
  return [
    ...(result.error ? [String(result.error)] : []),
    ...(errors.length > 0 ? errors.slice(0, 3) : (result.stderr ?? '').trim().split('\n').slice(-3)),
  ].join(' | ');
}
