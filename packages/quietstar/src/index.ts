/**
 * @agent-forge/quietstar — Phase 3: Quiet-STaR thought tokens, parallel thoughts, mixing head, REINFORCE.
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
