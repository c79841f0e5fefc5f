import { forgeEslint } from '@agent-forge/eslint-config';

export default forgeEslint({ packageName: '@agent-forge/native-kernels', tsconfigRootDir: import.meta.dirname });
