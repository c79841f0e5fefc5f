import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ALERT_EVENT,
  alertsInRunStore,
  detectPhaseAlerts,
  phaseMetricValue,
  readRunStore,
  recordRunAlerts,
  runPipeline,
} from '../../src/index.js';
import type { Phase, PhaseResult } from '../../src/index.js';
import { z } from 'zod';

const result = (
  phase: PhaseResult['phase'],
  metrics: Record<string, number>,
): Pick<PhaseResult, 'phase' | 'metrics'> => ({ phase, metrics });

describe('phase alerts', () => {
  it('finds a phase value by exact key, <metric>After, or the mean over roles', () => {
    expect(phaseMetricValue({ accuracy: 0.5, accuracyAfter: 0.1 }, 'accuracy')).toBe(0.5);
    expect(phaseMetricValue({ accuracyBefore: 0.5, accuracyAfter: 0.25 }, 'accuracy')).toBe(0.25);
    expect(phaseMetricValue({ 'reasoning.accuracy': 0.2, 'memory-integration.accuracy': 0.4 }, 'accuracy')).toBeCloseTo(
      0.3,
    );
    expect(phaseMetricValue({ loss: 1 }, 'accuracy')).toBeUndefined();
  });

  it('alerts on an accuracy drop over 20% between phases, skipping phases without the metric', () => {
    const alerts = detectPhaseAlerts([
      result('cognate', { 'a.accuracy': 0.5, 'b.accuracy': 0.5 }),
      result('evomerge', { fitness: 3 }),
      result('bitnet', { accuracyBefore: 0.5, accuracyAfter: 0.45 }), // -10%: fine
      result('forge-train', { accuracy: 0.3 }), // -33%: alert
    ]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      metric: 'accuracy',
      fromPhase: 'bitnet',
      toPhase: 'forge-train',
      before: 0.45,
      after: 0.3,
    });
    expect(alerts[0]?.share).toBeCloseTo(1 / 3);
    expect(alerts[0]?.message).toBe(
      'accuracy dropped 33.3% from bitnet (0.4500) to forge-train (0.3000), more than the allowed 20%',
    );
  });

  it('rules for lower-is-better metrics alert on rises', () => {
    const rules = [{ metric: 'perplexity', maxShare: 0.5, better: 'lower' as const }];
    expect(
      detectPhaseAlerts([result('bitnet', { perplexity: 10 }), result('forge-train', { perplexity: 14 })], rules),
    ).toEqual([]);
    expect(
      detectPhaseAlerts([result('bitnet', { perplexity: 10 }), result('forge-train', { perplexity: 16 })], rules)[0]
        ?.share,
    ).toBeCloseTo(0.6);
  });

  it('recordRunAlerts logs alert events into a real run store once', async () => {
    const runsDir = mkdtempSync(path.join(os.tmpdir(), 'forge-alerts-'));
    const phaseWith = (name: 'cognate' | 'bitnet', accuracy: number): Phase => ({
      name,
      description: name,
      configSchema: z.object({}),
      run: async (_input, config, ctx) => ({
        phase: name,
        runId: ctx.runId,
        startedAt: new Date().toISOString(),
        durationMs: 1,
        models: [],
        metrics: { accuracy },
        artifacts: {},
        config,
      }),
    });
    const { runId } = await runPipeline({ phases: [phaseWith('cognate', 0.6), phaseWith('bitnet', 0.3)], runsDir });
    const alerts = await recordRunAlerts(runsDir, runId);
    await recordRunAlerts(runsDir, runId);
    expect(alerts.map((a) => [a.fromPhase, a.toPhase])).toEqual([['cognate', 'bitnet']]);
    const records = readRunStore(path.join(runsDir, runId));
    expect(records.filter((r) => r.type === 'event' && r.event === ALERT_EVENT)).toHaveLength(1);
    expect(alertsInRunStore(records)[0]?.after).toBe(0.3);
  });
});
