import { forgeVitest } from '@agent-forge/vitest-config';

// One worker imports tfjs once for all files: every file that uses tf selects its backend (cpu) itself,
// and the one registry entry a test adds is known to the others (test/helpers.ts OUTSIDE_METHOD).
export default forgeVitest({ isolate: false });
