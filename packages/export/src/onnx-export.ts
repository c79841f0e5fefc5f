/**
 * A Llama as an ONNX decoder with a KV cache, laid out as 🤗 optimum exports decoders (what
 * transformers.js and onnxruntime users expect): inputs `input_ids`, `attention_mask`, `position_ids`,
 * `past_key_values.<i>.key|value` `[batch, heads, past, headSize]`; outputs `logits` and
 * `present.<i>.key|value` (past + new). Plain opset-17 operators only, so any onnxruntime runs it.
 * Weights keep our `[in, out]` layout, which is what ONNX `MatMul(x, W)` takes.
 */
import type { ModelConfig } from '@agent-forge/core';
import type { HostWeight } from './llama-layout.js';
import { ONNX_TYPE, ProtoWriter, nodeProto, tensorProto, valueInfo, type OnnxAttribute } from './onnx-proto.js';

const OPSET = 17;
/** ONNX IR version 8 goes with opset 17. */
const IR_VERSION = 8;
const MASKED = -1e9;

/** Collects nodes and initializers; every op gets a fresh output name. */
class GraphBuilder {
  readonly nodes: ProtoWriter[] = [];
  readonly initializers: ProtoWriter[] = [];
  private count = 0;

  op(
    type: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttribute>> = {},
    output?: string,
  ): string {
    const name = output ?? `${type.toLowerCase()}_${this.count}`;
    this.nodes.push(nodeProto(type, inputs, [name], `n${this.count++}`, attributes));
    return name;
  }

  floats(name: string, dims: readonly number[], data: Float32Array): string {
    this.initializers.push(tensorProto(name, dims, data));
    return name;
  }

  ints(name: string, values: readonly number[]): string {
    this.initializers.push(tensorProto(name, [values.length], BigInt64Array.from(values.map(BigInt))));
    return name;
  }
}

/** What the graph is built from: the config and our weights by checkpoint name (`[in, out]` matrices). */
export interface OnnxSource {
  /** The validated architecture. */
  readonly config: ModelConfig;
  /** Our weights by checkpoint name, row-major. */
  readonly weights: ReadonlyMap<string, HostWeight>;
}

function rmsNorm(graph: GraphBuilder, x: string, gain: string, eps: string): string {
  const meanSquare = graph.op('ReduceMean', [graph.op('Mul', [x, x])], { axes: { ints: [-1] }, keepdims: { int: 1 } });
  return graph.op('Mul', [graph.op('Div', [x, graph.op('Sqrt', [graph.op('Add', [meanSquare, eps])])]), gain]);
}

/** Rotate-half RoPE of `[B, H, S, headSize]` with cos/sin `[B, 1, S, headSize]`. */
function rotary(graph: GraphBuilder, x: string, cos: string, sin: string): string {
  const first = graph.op('Slice', [x, 'c_zero', 'c_half', 'c_axis3']);
  const second = graph.op('Slice', [x, 'c_half', 'c_head', 'c_axis3']);
  const rotated = graph.op('Concat', [graph.op('Neg', [second]), first], { axis: { int: 3 } });
  return graph.op('Add', [graph.op('Mul', [x, cos]), graph.op('Mul', [rotated, sin])]);
}

/** `[B, S, d]` → `[B, H, S, headSize]`. */
function heads(graph: GraphBuilder, x: string): string {
  return graph.op('Transpose', [graph.op('Reshape', [x, 'c_heads_shape'])], { perm: { ints: [0, 2, 1, 3] } });
}

interface LayerInputs {
  readonly x: string;
  readonly cos: string;
  readonly sin: string;
  readonly mask: string;
}

function attention(graph: GraphBuilder, layer: number, input: LayerInputs): string {
  const w = (part: string): string => `blocks.${layer}.attn.${part}.weight`;
  const normed = rmsNorm(graph, input.x, `blocks.${layer}.attn_norm.weight`, 'c_eps');
  const q = rotary(graph, heads(graph, graph.op('MatMul', [normed, w('q')])), input.cos, input.sin);
  const k = rotary(graph, heads(graph, graph.op('MatMul', [normed, w('k')])), input.cos, input.sin);
  const v = heads(graph, graph.op('MatMul', [normed, w('v')]));
  const keys = graph.op('Concat', [`past_key_values.${layer}.key`, k], { axis: { int: 2 } }, `present.${layer}.key`);
  const values = graph.op(
    'Concat',
    [`past_key_values.${layer}.value`, v],
    { axis: { int: 2 } },
    `present.${layer}.value`,
  );
  const scores = graph.op('Mul', [
    graph.op('MatMul', [q, graph.op('Transpose', [keys], { perm: { ints: [0, 1, 3, 2] } })]),
    'c_scale',
  ]);
  const mixed = graph.op('MatMul', [
    graph.op('Softmax', [graph.op('Add', [scores, input.mask])], { axis: { int: -1 } }),
    values,
  ]);
  const merged = graph.op('Reshape', [
    graph.op('Transpose', [mixed], { perm: { ints: [0, 2, 1, 3] } }),
    'c_model_shape',
  ]);
  return graph.op('Add', [input.x, graph.op('MatMul', [merged, w('o')])]);
}

function mlp(graph: GraphBuilder, layer: number, x: string): string {
  const w = (part: string): string => `blocks.${layer}.mlp.${part}.weight`;
  const normed = rmsNorm(graph, x, `blocks.${layer}.mlp_norm.weight`, 'c_eps');
  const gate = graph.op('MatMul', [normed, w('gate')]);
  const activated = graph.op('Mul', [
    graph.op('Mul', [gate, graph.op('Sigmoid', [gate])]),
    graph.op('MatMul', [normed, w('up')]),
  ]);
  return graph.op('Add', [x, graph.op('MatMul', [activated, w('down')])]);
}

/** RoPE tables `[contextLength, headSize]`, rotate-half layout as core's RotaryEmbedding builds them. */
function ropeTables(config: ModelConfig): { cos: Float32Array; sin: Float32Array } {
  const headSize = config.dModel / config.nHeads;
  const half = headSize / 2;
  const cos = new Float32Array(config.contextLength * headSize);
  const sin = new Float32Array(config.contextLength * headSize);
  for (let position = 0; position < config.contextLength; position++) {
    for (let i = 0; i < half; i++) {
      const angle = position * config.ropeTheta ** (-(2 * i) / headSize);
      const row = position * headSize;
      cos[row + i] = cos[row + i + half] = Math.cos(angle);
      sin[row + i] = sin[row + i + half] = Math.sin(angle);
    }
  }
  return { cos, sin };
}

/** Additive mask `[B, 1, S, T]`: 0 where key j ≤ the query's position and attention_mask[j] = 1. */
function causalMask(graph: GraphBuilder): string {
  const total = graph.op('Gather', [graph.op('Shape', ['attention_mask']), 'c_one_scalar'], { axis: { int: 0 } });
  const keyPositions = graph.op('Range', ['c_zero_scalar', total, 'c_one_scalar']);
  const queryPositions = graph.op('Unsqueeze', ['position_ids', 'c_axis_last']);
  const causal = graph.op('LessOrEqual', [keyPositions, queryPositions]);
  const padding = graph.op('Cast', [graph.op('Unsqueeze', ['attention_mask', 'c_axis1'])], {
    to: { int: ONNX_TYPE.bool },
  });
  const allowed = graph.op('And', [causal, padding]);
  return graph.op('Unsqueeze', [graph.op('Where', [allowed, 'c_open', 'c_masked']), 'c_axis1']);
}

function addConstants(graph: GraphBuilder, config: ModelConfig): void {
  const headSize = config.dModel / config.nHeads;
  const { cos, sin } = ropeTables(config);
  graph.floats('rope_cos', [config.contextLength, headSize], cos);
  graph.floats('rope_sin', [config.contextLength, headSize], sin);
  graph.floats('c_eps', [], Float32Array.of(config.normEps));
  graph.floats('c_scale', [], Float32Array.of(1 / Math.sqrt(headSize)));
  graph.floats('c_open', [], Float32Array.of(0));
  graph.floats('c_masked', [], Float32Array.of(MASKED));
  graph.ints('c_zero', [0]);
  graph.ints('c_half', [headSize / 2]);
  graph.ints('c_head', [headSize]);
  graph.ints('c_axis3', [3]);
  graph.ints('c_axis1', [1]);
  graph.ints('c_axis_last', [-1]);
  graph.ints('c_heads_shape', [0, 0, config.nHeads, headSize]);
  graph.ints('c_model_shape', [0, 0, config.dModel]);
  graph.initializers.push(
    tensorProto('c_zero_scalar', [], BigInt64Array.of(0n)),
    tensorProto('c_one_scalar', [], BigInt64Array.of(1n)),
  );
}

function graphIo(config: ModelConfig): { inputs: ProtoWriter[]; outputs: ProtoWriter[] } {
  const headSize = config.dModel / config.nHeads;
  const cacheDims = (length: string): Array<number | string> => ['batch_size', config.nHeads, length, headSize];
  const inputs = [
    valueInfo('input_ids', ONNX_TYPE.int64, ['batch_size', 'sequence_length']),
    valueInfo('attention_mask', ONNX_TYPE.int64, ['batch_size', 'total_sequence_length']),
    valueInfo('position_ids', ONNX_TYPE.int64, ['batch_size', 'sequence_length']),
  ];
  const outputs = [valueInfo('logits', ONNX_TYPE.float, ['batch_size', 'sequence_length', config.vocabSize])];
  for (let layer = 0; layer < config.nLayers; layer++) {
    for (const part of ['key', 'value']) {
      inputs.push(valueInfo(`past_key_values.${layer}.${part}`, ONNX_TYPE.float, cacheDims('past_sequence_length')));
      outputs.push(valueInfo(`present.${layer}.${part}`, ONNX_TYPE.float, cacheDims('total_sequence_length')));
    }
  }
  return { inputs, outputs };
}

/** The ONNX model (ModelProto bytes) of a Llama-shaped TinyTitan. */
export function encodeOnnxDecoder(source: OnnxSource): Uint8Array {
  const { config, weights } = source;
  const graph = new GraphBuilder();
  for (const [name, weight] of weights) graph.floats(name, weight.shape, weight.data);
  addConstants(graph, config);
  let x = graph.op('Gather', ['embed.weight', 'input_ids'], { axis: { int: 0 } });
  const table = (name: string): string =>
    graph.op('Unsqueeze', [graph.op('Gather', [name, 'position_ids'], { axis: { int: 0 } }), 'c_axis1']);
  const layerInputs = { cos: table('rope_cos'), sin: table('rope_sin'), mask: causalMask(graph) };
  for (let layer = 0; layer < config.nLayers; layer++) {
    x = mlp(graph, layer, attention(graph, layer, { ...layerInputs, x }));
  }
  const normed = rmsNorm(graph, x, 'norm_f.weight', 'c_eps');
  const head = config.tiedEmbeddings
    ? graph.op('Transpose', ['embed.weight'], { perm: { ints: [1, 0] } })
    : 'head.weight';
  graph.op('MatMul', [normed, head], {}, 'logits');
  const { inputs, outputs } = graphIo(config);
  const graphProto = new ProtoWriter();
  for (const node of graph.nodes) graphProto.message(1, node);
  graphProto.string(2, 'agent-forge-llama');
  for (const initializer of graph.initializers) graphProto.message(5, initializer);
  for (const input of inputs) graphProto.message(11, input);
  for (const output of outputs) graphProto.message(12, output);
  return new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'agent-forge')
    .message(7, graphProto)
    .message(8, new ProtoWriter().string(1, '').int(2, OPSET))
    .finish();
}
