/**
 * @agent-forge/cognate — Phase 1: build and pre-train three TinyTitan decoders (ACT + Titans-style long-term memory).
 *
 * Not implemented yet: this package has no code until its issue lands, and the CLI registers no phase from it.
 */
export {};
