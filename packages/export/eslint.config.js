import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/export', tsconfigRootDir: import.meta.dirname });
