import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/forge-train', tsconfigRootDir: import.meta.dirname });
