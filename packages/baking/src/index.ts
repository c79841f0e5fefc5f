/**
 * @agent-forge/baking — Phase 6: prompt baking of personas and tools into the weights.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
