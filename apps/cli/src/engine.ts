import { describeBackend, initBackend } from '@agent-forge/core';
import type { BackendChoice } from './pipeline-config.js';

export interface Engine {
  name: string;
  summary: string;
}

/** Start the tfjs backend; `FORGE_BACKEND` is honoured by core when the config says `auto`. */
export async function startEngine(choice: BackendChoice, threads?: number): Promise<Engine> {
  const info = await initBackend({ prefer: choice === 'auto' ? undefined : choice, threads });
  const report = describeBackend();
  return { name: info.name, summary: `${report.backend} (threads ${report.threads}, simd ${report.simd})` };
}

export function describeEngine(): Record<string, unknown> {
  return { ...describeBackend() };
}
