import type { UserConfig } from 'vitest/config';
export declare function forgeVitest(options?: { testTimeout?: number; lineThreshold?: number }): UserConfig;
