import { forgeTsup } from '@agent-forge/tsup-config';

export default forgeTsup({ entry: ['src/index.ts', 'src/bin.ts'] });
