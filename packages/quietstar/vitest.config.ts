import { forgeVitest } from '@agent-forge/vitest-config';

// One worker for all files (tfjs imported once): each file that runs tf picks its backend itself.
export default forgeVitest({ isolate: false });
