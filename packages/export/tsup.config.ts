import { forgeTsup } from '@agent-forge/tsup-config';

export default forgeTsup();
