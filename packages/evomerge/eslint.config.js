import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/evomerge', tsconfigRootDir: import.meta.dirname });
