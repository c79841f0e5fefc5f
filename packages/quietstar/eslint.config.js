import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/quietstar', tsconfigRootDir: import.meta.dirname });
