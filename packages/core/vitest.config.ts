import { forgeVitest } from '@agent-forge/vitest-config';

// The test files share one worker (tfjs and the sources imported once), except the backend tests: they
// check what a process's first initBackend does (forced backends, FORGE_BACKEND, thread counts), so
// each needs a process of its own. Every other file that runs tf picks its backend itself (useBackend,
// or initBackend, which switches back to the process's default backend).
export default forgeVitest({ isolate: false, isolatedFiles: ['test/backend/**/*.test.ts'] });
