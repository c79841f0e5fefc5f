/**
 * The quality budget. Tensors are grouped by layer (embeddings, each block, head, the rest); group by
 * group, each tensor starts at its smallest candidate within the per-tensor error budget, the model's
 * held-out loss is measured with every group so far decoded, and while it is above the allowance the
 * tensor with the largest error in the group steps up to its next larger candidate. The allowance grows
 * linearly to `maxLossIncrease` at the last group, and every ladder ends in a lossless candidate, so
 * the final loss never exceeds baseline·(1 + maxLossIncrease) on the budget windows.
 */
import { tf } from '@agent-forge/core';
import type { TinyTitan } from '@agent-forge/core';
import type { TensorPlan } from './candidates.js';
import { decodeTensor } from './format.js';

/** The budget check of one layer group. */
export interface GroupOutcome {
  /** Group name from {@link layerGroup}: `embeddings`, `blocks.<i>`, `head` or `other`. */
  readonly group: string;
  /** Tensors in the group. */
  readonly tensors: number;
  /** Loss with this and every earlier group decoded, after any step-ups. */
  readonly loss: number;
  /** The group's allowance: baseline·(1 + maxLossIncrease·(g+1)/G). */
  readonly allowedLoss: number;
  /** Candidate step-ups the loss check forced in this group. */
  readonly stepUps: number;
}

/** Result of {@link selectWithinBudget}; losses are what `evalLoss` returns (in the phase: mean held-out cross-entropy on the budget windows, nats/token). */
export interface BudgetOutcome {
  /** Loss of the uncompressed input model. */
  readonly baselineLoss: number;
  /** Loss with every tensor at its chosen candidate; at most baseline·(1 + maxLossIncrease). */
  readonly finalLoss: number;
  /** One entry per layer group, in model order. */
  readonly groups: GroupOutcome[];
  /** Loss evaluations run, the baseline included (the budget's cost). */
  readonly evaluations: number;
}

/** `blocks.3.attn.q.weight` → `blocks.3`; embeddings, head and the rest get their own groups. */
export function layerGroup(name: string): string {
  const block = /^blocks\.(\d+)\./.exec(name);
  if (block) return `blocks.${block[1]}`;
  if (name === 'embed.weight' || name === 'pos_embed.weight') return 'embeddings';
  if (name.startsWith('head.')) return 'head';
  return 'other';
}

function groupOrder(group: string): number {
  if (group === 'embeddings') return -1;
  const block = /^blocks\.(\d+)$/.exec(group);
  if (block) return Number(block[1]);
  return group === 'head' ? 1e6 : 1e6 + 1;
}

/** Plans grouped by layer, in model order. */
export function groupPlans(plans: readonly TensorPlan[]): Array<[string, TensorPlan[]]> {
  const groups = new Map<string, TensorPlan[]>();
  for (const plan of plans) {
    const group = layerGroup(plan.name);
    groups.set(group, [...(groups.get(group) ?? []), plan]);
  }
  return [...groups].sort(([a], [b]) => groupOrder(a) - groupOrder(b));
}

/** Writes the chosen candidate's decoded values into the model's weight. */
export function applyChoice(model: TinyTitan, plan: TensorPlan): void {
  const variable = model.namedWeights().get(plan.name);
  const candidate = plan.ladder[plan.chosen];
  if (variable === undefined || candidate === undefined) return;
  tf.tidy(() => variable.assign(tf.tensor(decodeTensor(candidate.encoded), [...plan.shape], 'float32')));
}

function stepUp(group: readonly TensorPlan[]): boolean {
  let target: TensorPlan | undefined;
  for (const plan of group) {
    if (plan.chosen >= plan.ladder.length - 1) continue;
    if (
      target === undefined ||
      (plan.ladder[plan.chosen]?.relativeError ?? 0) > (target.ladder[target.chosen]?.relativeError ?? 0)
    )
      target = plan;
  }
  if (target === undefined) return false;
  target.chosen++;
  return true;
}

/** Runs the budget over `plans` (mutating their `chosen`); the model ends holding the chosen weights. */
export function selectWithinBudget(
  model: TinyTitan,
  plans: readonly TensorPlan[],
  evalLoss: () => number,
  maxLossIncrease: number,
  onGroup?: (done: number, total: number) => void,
): BudgetOutcome {
  const baselineLoss = evalLoss();
  const grouped = groupPlans(plans);
  const groups: GroupOutcome[] = [];
  let evaluations = 1;
  let loss = baselineLoss;
  grouped.forEach(([group, members], index) => {
    const allowedLoss = baselineLoss * (1 + (maxLossIncrease * (index + 1)) / grouped.length);
    let stepUps = 0;
    for (;;) {
      for (const plan of members) applyChoice(model, plan);
      loss = evalLoss();
      evaluations++;
      if (loss <= allowedLoss || !stepUp(members)) break;
      stepUps++;
    }
    groups.push({ group, tensors: members.length, loss, allowedLoss, stepUps });
    onGroup?.(index + 1, grouped.length);
  });
  return { baselineLoss, finalLoss: loss, groups, evaluations };
}
