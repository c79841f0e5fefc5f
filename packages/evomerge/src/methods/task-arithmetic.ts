import { taskVectorMethod } from './task-vector-family.js';

/**
 * Task arithmetic (Ilharco et al. 2023, arXiv:2212.04089): θ = θ_base + λ Σ wᵢ(θᵢ − θ_base).
 * mergekit defaults: no normalisation, λ = 1.
 */
export const taskArithmetic = taskVectorMethod({
  name: 'task_arithmetic',
  displayName: 'Task Arithmetic',
  referenceUrl: 'https://arxiv.org/abs/2212.04089',
  summary: 'base + λ·Σ weight·(model − base)',
  reference: 'Ilharco et al. 2023, Editing models with task arithmetic, arXiv:2212.04089',
  defaultNormalize: false,
  defaultRescale: 'none',
});
