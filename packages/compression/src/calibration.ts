/**
 * Input-channel importance for VPTQ's weighting: E[x_i²] of every linear layer's input over a few
 * calibration windows — the diagonal of the proxy Hessian H = XᵀX that VPTQ weights k-means with.
 * Measured on a probe copy of the model whose linear factory records its inputs (for BitNet layers,
 * the input before BitLinear's activation quantizer).
 */
import { buildModel, frozenBitNetExtension, parseBitNetExtension, tf } from '@agent-forge/core';
import type { ModelCheckpointConfig, ModelExtension, TinyTitan, TokenWindows } from '@agent-forge/core';

const PROBE = 'compression-calibration';

/** Weight name (`<layer>.weight`) → mean squared input per input feature. */
export function measureRowImportance(
  config: ModelCheckpointConfig,
  model: TinyTitan,
  windows: TokenWindows,
): Map<string, Float32Array> {
  const sums = new Map<string, { sum: Float64Array; count: number }>();
  const record = (name: string, x: tf.Tensor): void => {
    const features = x.shape[x.shape.length - 1] as number;
    const squares = tf.tidy(() => tf.sum(tf.square(tf.reshape(x, [-1, features])), 0).dataSync());
    const entry = sums.get(name) ?? { sum: new Float64Array(features), count: 0 };
    for (let i = 0; i < features; i++) entry.sum[i] = (entry.sum[i] as number) + (squares[i] as number);
    entry.count += x.size / features;
    sums.set(name, entry);
  };
  const probe: ModelExtension = {
    name: PROBE,
    order: 2000,
    packageName: '@agent-forge/compression',
    plan: (plan) => ({
      ...plan,
      createLinear: (spec, init) => {
        const inner = plan.createLinear(spec, init);
        return {
          ...inner,
          apply: (x: tf.Tensor) => {
            record(spec.name, x);
            return inner.apply(x);
          },
        };
      },
    }),
  };
  const replace: Record<string, ModelExtension> = { [PROBE]: probe };
  if (config.extensions.bitnet !== undefined)
    replace.bitnet = frozenBitNetExtension(parseBitNetExtension(config.extensions.bitnet));
  const probeModel = buildModel(config.model, { ...config.extensions, [PROBE]: {} }, { replace });
  try {
    probeModel.loadWeights(model.namedWeights());
    for (let row = 0; row < windows.rows; row++) {
      const slice = windows.tokens.subarray(row * windows.cols, (row + 1) * windows.cols);
      // Only the recorded inputs are wanted: the block returns nothing, so tidy frees the loss too.
      tf.tidy(() => {
        probeModel.loss(tf.tensor2d(slice, [1, windows.cols], 'int32'));
      });
    }
  } finally {
    probeModel.dispose();
  }
  return new Map(
    [...sums].map(([layer, { sum, count }]) => [
      `${layer}.weight`,
      Float32Array.from(sum, (s) => s / Math.max(1, count)),
    ]),
  );
}
