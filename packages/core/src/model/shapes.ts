/**
 * The checkpoint layout of a TinyTitan: every weight's HF-style name and shape, derived from the config
 * alone so a checkpoint can be validated before any model is built.
 *
 * Linear weights are stored `[in, out]` (tfjs/Keras `x·W`), the transpose of PyTorch's `nn.Linear`:
 * tfjs's fast matMul path is the untransposed one (bench-backend REPORT F3/F5), so forward never
 * transposes a weight. An exporter to PyTorch transposes the 2-D `*.weight` matrices of linears.
 */
import { parseModelConfig, type ModelConfig, type ModelConfigInput } from './config.js';

/** Prefix of block `index`'s weights, e.g. `blocks.3`. */
export function blockPrefix(index: number): string {
  return `blocks.${index}`;
}

function normShapes(prefix: string, config: ModelConfig): Array<[string, number[]]> {
  const shapes: Array<[string, number[]]> = [[`${prefix}.weight`, [config.dModel]]];
  if (config.norm === 'layernorm') shapes.push([`${prefix}.bias`, [config.dModel]]);
  return shapes;
}

function blockShapes(index: number, config: ModelConfig): Array<[string, number[]]> {
  const prefix = blockPrefix(index);
  const { dModel: d, dFF } = config;
  const mlpNames = config.mlp === 'swiglu' ? ['gate', 'up'] : ['up'];
  return [
    ...normShapes(`${prefix}.attn_norm`, config),
    ...['q', 'k', 'v', 'o'].map((name): [string, number[]] => [`${prefix}.attn.${name}.weight`, [d, d]]),
    ...normShapes(`${prefix}.mlp_norm`, config),
    ...mlpNames.map((name): [string, number[]] => [`${prefix}.mlp.${name}.weight`, [d, dFF]]),
    [`${prefix}.mlp.down.weight`, [dFF, d]],
  ];
}

/**
 * Every weight a model with this config owns, by name, in a stable order (embedding, blocks, final
 * norm, head). Checkpoint loading checks a file against this.
 */
export function expectedShapes(input: ModelConfigInput): Record<string, number[]> {
  const config = parseModelConfig(input);
  const entries: Array<[string, number[]]> = [['embed.weight', [config.vocabSize, config.dModel]]];
  if (config.positions === 'learned') entries.push(['pos_embed.weight', [config.contextLength, config.dModel]]);
  for (let index = 0; index < config.nLayers; index++) entries.push(...blockShapes(index, config));
  entries.push(...normShapes('norm_f', config));
  if (!config.tiedEmbeddings) entries.push(['head.weight', [config.dModel, config.vocabSize]]);
  return Object.fromEntries(entries);
}

/** Trainable parameters of a model with this config, by formula (no weights are built). */
export function countParameters(input: ModelConfigInput): number {
  const config = parseModelConfig(input);
  const { vocabSize: v, dModel: d, dFF, nLayers } = config;
  const normSize = config.norm === 'layernorm' ? 2 * d : d;
  const attention = 4 * d * d;
  const mlp = (config.mlp === 'swiglu' ? 3 : 2) * d * dFF;
  const block = attention + mlp + 2 * normSize;
  const embeddings = v * d + (config.positions === 'learned' ? config.contextLength * d : 0);
  const head = config.tiedEmbeddings ? 0 : d * v;
  return embeddings + nLayers * block + normSize + head;
}
