/**
 * The loaded native kernel addon, shared by the wasm kernels that call it, and the names of the
 * fused kernels it adds (kernels tfjs itself does not have, registered for wasm only).
 */
import type { NativeKernels } from '@agent-forge/native-kernels';
import { tf } from '../tf.js';

let addon: NativeKernels | undefined;

/** Records the addon the native kernels call. */
export function setNativeAddon(kernels: NativeKernels): void {
  addon = kernels;
}

/** The addon; only native kernels call this, and they are registered only after `setNativeAddon`. */
export function nativeAddon(): NativeKernels {
  if (addon === undefined) throw new Error('a native kernel ran before the native kernels were loaded');
  return addon;
}

/** Fused kernels the native addon provides; model and training code use them when registered. */
export const FUSED_KERNELS = {
  /** Inputs w, g, m, v; attrs lr, beta1, beta2, eps, weightDecay, correction1, correction2; outputs [w, m, v]. */
  adamW: 'ForgeAdamW',
  /** Inputs logits [N, V], targets [N] int32; outputs [pick, logSumExp] (log p(target) and the row's log-sum-exp). */
  logSoftmaxPick: 'ForgeLogSoftmaxPick',
  /** Inputs logits, targets, logSumExp, dy; output the gradient of pick with respect to the logits. */
  logSoftmaxPickGrad: 'ForgeLogSoftmaxPickGrad',
  /** Inputs x [..., width], gain [width], bias? [width]; attrs layerNorm, eps; outputs [y, mean, rstd] (one per row). */
  norm: 'ForgeNorm',
  /** Inputs x, gain, mean, rstd, dy; attr layerNorm, hasBias; outputs [dx, dgain] (+ dbias with a bias). */
  normGrad: 'ForgeNormGrad',
  /** Inputs a (and b for SwiGLU); attr op 'gelu' | 'swiglu'; output gelu(a) or silu(a)·b. */
  activation: 'ForgeActivation',
  /** Inputs a, b?, dy; attr op; outputs [da] or [da, db]. */
  activationGrad: 'ForgeActivationGrad',
  /** Inputs scores [..., T, K], mask? [T, K] (additive); attr scale; output softmax(scale·scores + mask) over K. */
  scaledSoftmax: 'ForgeScaledSoftmax',
  /** Inputs probs, dy; attr scale; output the gradient with respect to the scores. */
  scaledSoftmaxGrad: 'ForgeScaledSoftmaxGrad',
  /**
   * Inputs x [..., T, W], cos and sin [L, W]; attrs offset (x's first position), inverse. Output RoPE
   * (rotate-half) of x with table rows offset..offset+T−1, or with `inverse` its gradient map.
   */
  rope: 'ForgeRope',
} as const;

/** Whether a fused kernel is registered for the backend active now (so the caller may use it). */
export function hasFusedKernel(name: (typeof FUSED_KERNELS)[keyof typeof FUSED_KERNELS]): boolean {
  // engine().backendName, not getBackend(): asking must not make tfjs pick a backend when none is set.
  const active: unknown = tf.engine().backendName;
  return typeof active === 'string' && tf.getKernel(name, active) !== undefined;
}

/** Removes the fused kernels from wasm, so model and training code take their tensor-op paths. */
export function unregisterFusedWasmKernels(): void {
  for (const name of Object.values(FUSED_KERNELS)) {
    if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
  }
}

/** Registers `kernelFunc` as `name` for wasm unless it already is. */
export function registerWasmKernel(name: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(name, 'wasm')?.kernelFunc === kernelFunc) return;
  if (tf.getKernel(name, 'wasm') !== undefined) tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
}

/** tfjs's own kernels that native ones replaced: for dtypes and shapes the native ones do not take, and for switching back. */
const replacedKernels = new Map<string, tf.KernelConfig>();

/** Registers `kernelFunc` for wasm in place of tfjs's kernel `name`, which stays reachable through `replacedWasmKernel`. */
export function replaceWasmKernel(name: string, kernelFunc: tf.KernelFunc): void {
  const current = tf.getKernel(name, 'wasm');
  if (current?.kernelFunc === kernelFunc) return;
  if (current !== undefined && !replacedKernels.has(name)) replacedKernels.set(name, current);
  registerWasmKernel(name, kernelFunc);
}

/** Runs the kernel that `replaceWasmKernel` replaced: the fallback for inputs the native kernel does not take. */
export function runReplacedWasmKernel(name: string, args: Parameters<tf.KernelFunc>[0]): ReturnType<tf.KernelFunc> {
  const original = replacedKernels.get(name);
  if (original === undefined) throw new Error(`${name}: no wasm kernel to fall back to`);
  return original.kernelFunc(args);
}

/** Puts back every kernel `replaceWasmKernel` replaced. */
export function restoreReplacedWasmKernels(): void {
  for (const [name, original] of replacedKernels) {
    if (tf.getKernel(name, 'wasm')?.kernelFunc === original.kernelFunc) continue;
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(original);
  }
}
