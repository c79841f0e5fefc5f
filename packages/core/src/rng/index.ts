export { Rng, hashString, type RngState } from './rng.js';
