/**
 * @agent-forge/evomerge — Phase 2: merge methods (linear, SLERP, TIES, DARE, frankenmerge, DFS) and evolutionary merge search.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
