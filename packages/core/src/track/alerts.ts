import { z } from 'zod';
import type { PhaseResult } from '../phase/types.js';
import type { EventRecord, TrackRecord } from './types.js';
import type { Tracker } from './tracker.js';

/**
 * When a metric worsens by more than `maxShare` from one phase to the next phase that reports it.
 * `better: 'higher'` (accuracy) alerts on drops, `'lower'` (perplexity, loss) on rises.
 */
export const AlertRuleSchema = z
  .object({
    /** Metric to watch, e.g. `accuracy`; looked up as the exact key, else `<metric>After`, else the mean of `<role>.<metric>`. */
    metric: z.string().min(1),
    /** Largest allowed worsening between phases, as a share of the earlier value, in (0, 1] (0.2 = 20%). */
    maxShare: z.number().positive().max(1),
    /** Which direction is better: `higher` (default; alerts on drops) or `lower` (alerts on rises). */
    better: z.enum(['higher', 'lower']).default('higher'),
  })
  .strict();
/** A parsed alert rule: the metric to watch, the largest allowed worsening between phases, and which direction is better. */
export type AlertRule = z.infer<typeof AlertRuleSchema>;

/** The seed's rule: answer accuracy must not drop by more than 20% between phases. */
export const DEFAULT_ALERT_RULES: readonly AlertRule[] = [{ metric: 'accuracy', maxShare: 0.2, better: 'higher' }];

/** Event name under which `logAlerts` records a PhaseAlert (its fields are the event data). */
export const ALERT_EVENT = 'alert';

/** A metric that worsened between two phases by more than its rule allows. */
export interface PhaseAlert {
  /** The metric the rule watches, e.g. `accuracy`. */
  readonly metric: string;
  /** The earlier phase that reported the metric. */
  readonly fromPhase: string;
  /** The phase where it worsened; the alert event is logged under this phase. */
  readonly toPhase: string;
  /** The metric's value after `fromPhase`. */
  readonly before: number;
  /** The metric's value after `toPhase`. */
  readonly after: number;
  /** How much worse, as a share of `before` (0.25 = 25% worse). */
  readonly share: number;
  /** The rule's limit, as a share of `before` (0.2 = 20%). */
  readonly maxShare: number;
  /** Human-readable summary for logs and the dashboard, e.g. `accuracy dropped 25.0% from … to …`. */
  readonly message: string;
}

/**
 * A phase's value for a metric: the exact key, else `<metric>After` (phases that measure before and
 * after their change), else the mean of `<role>.<metric>` over the models of a multi-model phase.
 */
export function phaseMetricValue(metrics: Readonly<Record<string, number>>, metric: string): number | undefined {
  const direct = metrics[metric] ?? metrics[`${metric}After`];
  if (direct !== undefined && Number.isFinite(direct)) return direct;
  const perRole = Object.entries(metrics)
    .filter(([key, value]) => key.endsWith(`.${metric}`) && Number.isFinite(value))
    .map(([, value]) => value);
  return perRole.length ? perRole.reduce((a, b) => a + b, 0) / perRole.length : undefined;
}

/** Alerts for a run's phase results in pipeline order; phases without the metric are skipped over. */
export function detectPhaseAlerts(
  results: ReadonlyArray<Pick<PhaseResult, 'phase' | 'metrics'>>,
  rules: readonly AlertRule[] = DEFAULT_ALERT_RULES,
): PhaseAlert[] {
  const alerts: PhaseAlert[] = [];
  for (const rule of rules) {
    let previous: { phase: string; value: number } | undefined;
    for (const result of results) {
      const value = phaseMetricValue(result.metrics, rule.metric);
      if (value === undefined) continue;
      if (previous && previous.value !== 0) {
        const change = (value - previous.value) / Math.abs(previous.value);
        const share = rule.better === 'higher' ? -change : change;
        if (share > rule.maxShare) {
          const verb = rule.better === 'higher' ? 'dropped' : 'rose';
          const message = `${rule.metric} ${verb} ${(share * 100).toFixed(1)}% from ${previous.phase} (${previous.value.toPrecision(4)}) to ${result.phase} (${value.toPrecision(4)}), more than the allowed ${(rule.maxShare * 100).toFixed(0)}%`;
          alerts.push({
            metric: rule.metric,
            fromPhase: previous.phase,
            toPhase: result.phase,
            before: previous.value,
            after: value,
            share,
            maxShare: rule.maxShare,
            message,
          });
        }
      }
      previous = { phase: result.phase, value };
    }
  }
  return alerts;
}

/** Log alerts as `alert` events of the phase where the metric fell, so every sink and the dashboard see them. */
export function logAlerts(tracker: Tracker, alerts: readonly PhaseAlert[]): void {
  for (const alert of alerts) tracker.event(ALERT_EVENT, { ...alert }, alert.toPhase);
}

/** Alerts already logged in a run store (the dashboard lists these). */
export function alertsInRunStore(records: readonly TrackRecord[]): PhaseAlert[] {
  return records
    .filter((r): r is EventRecord => r.type === 'event' && r.event === ALERT_EVENT && r.data !== undefined)
    .map((r) => r.data as unknown as PhaseAlert);
}
