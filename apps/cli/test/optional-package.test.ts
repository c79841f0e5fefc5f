import { describe, expect, it } from 'vitest';
import { importRuntimePackage } from '../src/runtimes/optional-package.js';

describe('importRuntimePackage', () => {
  it('returns the loaded module', async () => {
    await expect(
      importRuntimePackage('llama.cpp', 'node-llama-cpp', () => Promise.resolve({ ok: 1 })),
    ).resolves.toEqual({ ok: 1 });
  });

  it('turns a missing optional package into an error that names it and says how to install it', async () => {
    const missing = (): Promise<never> =>
      Promise.reject(new Error("Cannot find package 'onnxruntime-node'\n    at resolve"));
    await expect(importRuntimePackage('onnxruntime', 'onnxruntime-node', missing)).rejects.toThrow(
      "--runtime onnxruntime needs the optional package onnxruntime-node, which is not installed or failed to load (Error: Cannot find package 'onnxruntime-node'); install it with npm install onnxruntime-node, or use --runtime forge",
    );
  });
});
