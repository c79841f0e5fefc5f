import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/core', tsconfigRootDir: import.meta.dirname });
