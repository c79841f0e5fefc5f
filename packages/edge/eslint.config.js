import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/edge', tsconfigRootDir: import.meta.dirname });
