import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/baking', tsconfigRootDir: import.meta.dirname });
