// The models `pnpm bench` measures: the three presets, and the Grokfast paper's setting (ironjr/grokfast:
// x·y mod 97, a 2-layer width-128 4-head decoder with LayerNorm, a GELU MLP ×4, learned positions and an
// untied head, batch 512). The engine trains it on every position of a 5-token sequence, as PyTorch
// does here; the reference trains the answer token only, so both sides do 4× its head work.
import { MODEL_PRESETS, parseModelConfig } from '@agent-forge/core';

export const BENCH_MODELS = {
  ...MODEL_PRESETS,
  grokfast: parseModelConfig({
    vocabSize: 99,
    dModel: 128,
    nLayers: 2,
    nHeads: 4,
    contextLength: 4,
    positions: 'learned',
    mlp: 'gelu',
    norm: 'layernorm',
    tiedEmbeddings: false,
  }),
};

export const BENCH_BATCH = { tiny: 8, small: 8, paper: 4, grokfast: 512 };
