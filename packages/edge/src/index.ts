/**
 * @agent-forge/edge — Phase 7: fast local inference with KV cache and packed ternary kernels.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
