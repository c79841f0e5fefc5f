import { describeBackend, initBackend } from '@agent-forge/core';
import type { BackendReport } from '@agent-forge/core';
import type { BackendChoice } from './pipeline-config.js';

export interface Engine {
  name: string;
  summary: string;
}

/** Start the tfjs backend; `FORGE_BACKEND` is honoured by core when the config says `auto`. */
export async function startEngine(choice: BackendChoice, threads?: number): Promise<Engine> {
  const info = await initBackend({ prefer: choice === 'auto' ? undefined : choice, threads });
  const report = describeBackend();
  return { name: info.choice, summary: `${info.choice} (threads ${report.threads ?? 'native'}, simd ${report.simd})` };
}

export function describeEngine(): BackendReport {
  return describeBackend();
}

/** `forge info` lines: one fact per line, the reasons a backend was passed over included. */
function nativeKernelsLine(report: BackendReport): string {
  const native = report.nativeKernels;
  if (native === undefined) return 'not initialised';
  if (native.active)
    return `on: ${native.binary ?? 'unknown binary'}, ${native.simd ?? 'unknown'} SIMD, ${native.threads ?? 1} threads; hot kernels run natively on the wasm heap`;
  return `off: ${native.reason ?? 'unknown reason'} — the engine uses wasm kernels`;
}

export function engineLines(report: BackendReport): Array<[string, string]> {
  const versions = Object.entries(report.versions).map(([name, version]) => `${name} ${version ?? '(not installed)'}`);
  const lines: Array<[string, string]> = [
    ['backend', report.backend ?? 'none'],
    ['threads', report.threads === undefined ? 'decided by libtensorflow' : String(report.threads)],
    ['simd', String(report.simd)],
    [
      'wasm threads',
      report.threadsWorkaround
        ? 'on (Node worker workaround)'
        : `off${report.threadsWorkaroundSkipped ? `: ${report.threadsWorkaroundSkipped}` : ''}`,
    ],
  ];
  lines.push(['native kernels', nativeKernelsLine(report)]);
  for (const skipped of report.skipped) lines.push([`not ${skipped.choice}`, skipped.reason]);
  lines.push(
    ['versions', versions.join(', ')],
    ['node', report.node],
    ['cpu', `${report.cpu.model}, ${report.cpu.cores} cores`],
  );
  return lines;
}
