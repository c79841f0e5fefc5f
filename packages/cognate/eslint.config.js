import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/cognate', tsconfigRootDir: import.meta.dirname });
