// The execution a test hands to a unit executor: quiet, on the cpu backend, with no tracking.
import { Tracker, silentProgress } from '@agent-forge/core';
import type { UnitExecution } from '@agent-forge/core';

export function quietUnitExecution(runDir: string, signal: AbortSignal = new AbortController().signal): UnitExecution {
  return {
    runDir,
    progress: silentProgress,
    signal,
    backend: 'cpu',
    tracker: Tracker.none(),
    onFinished: () => undefined,
  };
}
