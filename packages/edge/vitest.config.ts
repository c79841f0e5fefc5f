import { forgeVitest } from '@agent-forge/vitest-config';

// One worker for all files (tfjs imported once), except the packed-path tests: they set
// FORGE_NATIVE_KERNELS before the backend's first initialisation, so each needs a process of its own.
export default forgeVitest({ isolate: false, isolatedFiles: ['test/packed-*.test.ts'] });
