/**
 * @agent-forge/forge-train — Phase 5: training with Grokfast gradient filtering.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
