import type { Options } from 'tsup';
export declare function forgeTsup(options?: { entry?: Record<string, string> | string[] }): Options | Options[];
