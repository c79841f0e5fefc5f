import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/cli', tsconfigRootDir: import.meta.dirname });
