import type { UserConfig } from 'vitest/config';
export declare function forgeVitest(options?: {
  lineThreshold?: number;
  isolate?: boolean;
  isolatedFiles?: string[];
  e2eFiles?: string[];
}): UserConfig;
