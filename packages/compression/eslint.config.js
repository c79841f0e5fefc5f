import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/compression', tsconfigRootDir: import.meta.dirname });
