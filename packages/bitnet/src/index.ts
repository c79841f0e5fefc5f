/**
 * @agent-forge/bitnet — Phase 4: BitNet b1.58 ternary quantization-aware training and packed checkpoints.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
