import path from 'node:path';
import { readPipelineState } from '../phase/run-state.js';
import { DEFAULT_ALERT_RULES, alertsInRunStore, detectPhaseAlerts, logAlerts } from './alerts.js';
import type { AlertRule, PhaseAlert } from './alerts.js';
import { readRunStore } from './run-store.js';
import { Tracker } from './tracker.js';

/**
 * Check a finished (or partly finished) run for alerts and log the new ones into its run store.
 * Called after `runPipeline` (e.g. by `forge run` for its summary); calling it twice logs nothing twice.
 */
export async function recordRunAlerts(
  runsDir: string,
  runId: string,
  rules: readonly AlertRule[] = DEFAULT_ALERT_RULES,
): Promise<PhaseAlert[]> {
  const runDir = path.join(runsDir, runId);
  const state = readPipelineState(runDir);
  const results = state.phases.flatMap((p) => (p.status === 'done' && p.result ? [p.result] : []));
  const alerts = detectPhaseAlerts(results, rules);
  const logged = new Set(alertsInRunStore(readRunStore(runDir)).map((a) => a.message));
  const fresh = alerts.filter((a) => !logged.has(a.message));
  if (fresh.length) {
    const tracker = await Tracker.open(['run-store'], { runDir, runId });
    logAlerts(tracker, fresh);
    await tracker.close();
  }
  return alerts;
}
