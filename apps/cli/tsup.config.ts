import { forgeTsup } from '@agent-forge/tsup-config';

// publicDir: the dashboard page (plain HTML + JS) ships as dist/dashboard/. The external runtimes are
// optional dependencies, which tsup would otherwise bundle: they stay imports, resolved when asked for.
export default {
  ...forgeTsup({ entry: ['src/index.ts', 'src/bin.ts'] }),
  publicDir: 'src/dashboard/public',
  external: ['node-llama-cpp', 'onnxruntime-node'],
};
