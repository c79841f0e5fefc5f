import { forgeVitest } from '@agent-forge/vitest-config';

export default forgeVitest();
