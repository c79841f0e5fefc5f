import { forgeVitest } from '@agent-forge/vitest-config';

// One worker for all files (tfjs imported once): each file initialises the default backend itself, and
// the export format hf-export.test.ts registers is only iterated in that file.
export default forgeVitest({ isolate: false });
