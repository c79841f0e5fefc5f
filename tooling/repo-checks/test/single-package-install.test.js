// Each package is publishable on its own: `pnpm pack` gives a tarball with only dist/, README,
// LICENSE and package.json, and the packed packages install into an empty project outside the
// workspace (our packages from the local tarballs, third-party ones from the npm registry or cache)
// and work through their public API.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const productDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(path.join(repoRoot, group)).map((name) => path.join(repoRoot, group, name)),
);
const tarballDir = mkdtempSync(path.join(os.tmpdir(), 'forge-pack-'));
const run = (command, args, cwd, env = {}) =>
  execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', ...env },
  });
const tarball = (name) =>
  path.join(
    tarballDir,
    readdirSync(tarballDir).find((file) => file.startsWith(`agent-forge-${name}-`)),
  );

// Products through the native kernels (wasm backend) against the cpu backend's, every transpose, odd sizes.
const PREBUILT_GEMM_SCRIPT = [
  "import { describeBackend, initBackend, tf } from '@agent-forge/core';",
  "await initBackend({ prefer: 'wasm' });",
  'const values = (n, seed) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + seed));',
  'const cases = [[1, 7, 5], [19, 23, 31], [64, 129, 33]].flatMap(([m, k, n]) =>',
  '  [[false, false], [true, false], [false, true], [true, true]].map(([ta, tb]) => ({ m, k, n, ta, tb })));',
  'const products = () => cases.map(({ m, k, n, ta, tb }) => tf.tidy(() => {',
  '  const a = tf.tensor2d(values(m * k, m), ta ? [k, m] : [m, k]);',
  '  const b = tf.tensor2d(values(k * n, n), tb ? [n, k] : [k, n]);',
  '  return tf.matMul(a, b, ta, tb).dataSync();',
  '}));',
  'const native = products();',
  "await tf.setBackend('cpu');",
  'const cpu = products();',
  'const worst = Math.max(...native.map((out, c) => Math.max(...out.map((x, i) => Math.abs(x - cpu[c][i])))));',
  'console.log(JSON.stringify({ native: describeBackend().nativeKernels, worst }));',
].join('\n');

function emptyProject() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'forge-install-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module' }));
  return dir;
}

// One recursive `pnpm pack` for all products (two at a time, pnpm's default) instead of one npx + pnpm start each.
// The native kernels' `prepack` compiles their prebuilt binaries; a publish builds all three x86-64
// levels, here only the baseline one (x86-64-v2) is built, which is all the tests below need.
beforeAll(() => {
  const filters = productDirs.flatMap((dir) => ['--filter', `./${path.relative(repoRoot, dir)}`]);
  run('npx', ['-y', 'pnpm@10.34.8', ...filters, 'pack', '--recursive', '--pack-destination', tarballDir], repoRoot, {
    FORGE_PREBUILD_VARIANTS: 'x86-64-v2',
  });
});

describe('single-package installs', () => {
  // The native kernels also ship their C++ sources, binding.gyp and the install-time build scripts
  // (they are compiled on the user's machine, for its CPU), and the prebuilt binaries for linux-x64.
  it('packs every package with only dist/, README.md, LICENSE and package.json (+ sources and prebuilds for the native kernels)', () => {
    const tarballs = readdirSync(tarballDir);
    expect(tarballs).toHaveLength(productDirs.length);
    for (const file of tarballs) {
      const entries = run('tar', ['-tzf', path.join(tarballDir, file)], tarballDir)
        .trim()
        .split('\n');
      const nativeSources = file.startsWith('agent-forge-native-kernels-')
        ? /^package\/(csrc\/[a-z-]+\.(cc|h)|binding\.gyp|scripts\/(build-addon|node-gyp)\.mjs|prebuilds\/linux-x64\/forge_native\.glibc\.x86-64-v[234]\.node)$/
        : /^$/;
      const unexpected = entries.filter(
        (entry) => !/^package\/(dist\/.+|README\.md|LICENSE|package\.json)$/.test(entry) && !nativeSources.test(entry),
      );
      expect(unexpected, file).toEqual([]);
      expect(entries, file).toContain('package/dist/index.d.ts');
      if (file.startsWith('agent-forge-native-kernels-')) {
        expect(entries).toContain('package/prebuilds/linux-x64/forge_native.glibc.x86-64-v2.node');
      }
    }
  });

  // A user without a compiler (FORGE_NATIVE_BUILD=0 stands in: the install step builds nothing) gets
  // the best prebuilt level in the package this CPU runs: here x86-64-v2, the only one packed above,
  // so a CPU with v4/v3 also shows a missing level falling through. Its products match the cpu backend's.
  it('installs packed core + native kernels without a local build and multiplies on the prebuilt binary', () => {
    const project = emptyProject();
    run('npm', ['install', '--prefer-offline', tarball('core'), tarball('native-kernels')], project, {
      FORGE_NATIVE_BUILD: '0',
    });
    writeFileSync(path.join(project, 'gemm.mjs'), PREBUILT_GEMM_SCRIPT);
    const output = JSON.parse(run('node', ['gemm.mjs'], project).trim().split('\n').at(-1));
    expect(output.native).toMatchObject({
      active: true,
      binary: 'prebuilt x86-64-v2 (no local build: FORGE_NATIVE_BUILD=0)',
    });
    expect(output.worst).toBeLessThan(1e-4);
  });

  it('installs packed core alone into an empty project and quantizes a tensor to {-1,0,+1}·α', () => {
    const project = emptyProject();
    run('npm', ['install', '--prefer-offline', tarball('core')], project);
    const script = [
      "import { absmeanTernary, initBackend, tf } from '@agent-forge/core';",
      'await initBackend();',
      'const { ternary, scale } = absmeanTernary(tf.tensor2d([[0.5, -1.2, 0.01], [2.0, -0.3, 0.7]]));',
      'console.log(JSON.stringify({ ternary: [...ternary.dataSync()], scale: scale.dataSync()[0] }));',
    ].join('\n');
    writeFileSync(path.join(project, 'quantize.mjs'), script);
    const output = JSON.parse(run('node', ['quantize.mjs'], project).trim().split('\n').at(-1));
    // absmean α = mean|W| = 0.785; W/α rounded and clipped to [-1, 1].
    expect(output.scale).toBeCloseTo(0.785, 5);
    expect(output.ternary).toEqual([1, -1, 0, 1, 0, 1]);
  });

  // `npm i @agent-forge/edge` must not pull other phases: the ternary format edge serves lives in core.
  it('installs packed edge (with the core it depends on, nothing else of ours) and chats with a packed BitNet model', () => {
    const project = emptyProject();
    run('npm', ['install', '--prefer-offline', tarball('core'), tarball('edge')], project);
    const ours = readdirSync(path.join(project, 'node_modules', '@agent-forge')).filter(
      (name) => name !== 'native-kernels', // core's optional native kernels, below core
    );
    expect(ours.sort()).toEqual(['core', 'edge']);
    const script = [
      "import { BitNetSettingsSchema, BpeTokenizer, MODEL_PRESETS, bitnetExtension, createBitNetModel, initBackend, saveModelCheckpoint } from '@agent-forge/core';",
      "import { EdgeEngine, chatPrompt, loadPackedEdgeModel } from '@agent-forge/edge';",
      'await initBackend();',
      'const model = createBitNetModel(MODEL_PRESETS.tiny, {}, 1);',
      'const extensions = { bitnet: bitnetExtension(model, BitNetSettingsSchema.parse({})) };',
      "await saveModelCheckpoint('bitnet-model', { model, tokenizer: new BpeTokenizer([]), extensions });",
      "const edge = await loadPackedEdgeModel('bitnet-model');",
      "const prompt = chatPrompt([{ role: 'user', content: 'Hi, what is 2+3?' }]);",
      'const reply = await new EdgeEngine(edge).complete({ prompt, maxTokens: 6 });',
      'console.log(JSON.stringify({ kind: edge.kind, files: (await import("node:fs")).readdirSync("bitnet-model").sort(), completionTokens: reply.completionTokens, text: reply.text }));',
    ].join('\n');
    writeFileSync(path.join(project, 'chat.mjs'), script);
    const output = JSON.parse(run('node', ['chat.mjs'], project).trim().split('\n').at(-1));
    expect(output.kind).toBe('packed-ternary');
    expect(output.files).toContain('model.packed.safetensors'); // written by core's save hook
    expect(output.completionTokens).toBeGreaterThan(0);
    expect(output.completionTokens).toBeLessThanOrEqual(6);
    expect(typeof output.text).toBe('string');
  });

  it('installs the packed CLI with every package it needs and runs `forge info`', () => {
    const project = emptyProject();
    run(
      'npm',
      ['install', '--prefer-offline', ...readdirSync(tarballDir).map((file) => path.join(tarballDir, file))],
      project,
    );
    const info = JSON.parse(run(path.join(project, 'node_modules', '.bin', 'forge'), ['info', '--json'], project));
    expect(info.phases.filter((phase) => phase.implemented).map((phase) => phase.name)).toContain('bitnet');
    // npm ran the native kernels' install step from the tarball and built them (compiler + Eigen in CI);
    // the optional runtimes whose installs cannot download here (onnxruntime-node) did not stop it.
    expect(info.nativeKernels).toMatchObject({ active: true });
  });
});
