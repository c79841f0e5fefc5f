import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/bitnet', tsconfigRootDir: import.meta.dirname });
