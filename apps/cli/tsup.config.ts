import { forgeTsup } from '@agent-forge/tsup-config';

// publicDir: the dashboard page (plain HTML + JS) ships as dist/dashboard/.
export default { ...forgeTsup({ entry: ['src/index.ts', 'src/bin.ts'] }), publicDir: 'src/dashboard/public' };
