/**
 * @agent-forge/compression — Phase 8: SeedLM, VPTQ and hyper-compression of the final weights.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
