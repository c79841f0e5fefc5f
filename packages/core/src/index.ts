/**
 * @agent-forge/core — everything two phases share: the engine backend, tensors and safetensors,
 * the TinyTitan model, checkpoints, the model formats later phases read (ternary BitNet weights and
 * LoRA adapters), data, the training loop, evaluation, tracking, the seeded rng, the phase contract and work units.
 * @packageDocumentation
 */
export * from './errors.js';
export * from './registry/index.js';
export * from './io/index.js';
export * from './backend/index.js';
export * from './tensors/index.js';
export * from './checkpoint/index.js';
export * from './rng/index.js';
export * from './track/index.js';
export * from './phase/index.js';
export * from './units/index.js';
export * from './data/index.js';
export * from './model/index.js';
export * from './ternary/index.js';
export * from './adapters/index.js';
export * from './train/index.js';
export * from './eval/index.js';
export * from './tools/index.js';
