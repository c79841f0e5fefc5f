import { Registry } from '@agent-forge/core';
import type { MergeMethod } from './method.js';
import { breadcrumbs, breadcrumbsTies } from './methods/breadcrumbs.js';
import { dare, dareLinear, dareTies } from './methods/dare.js';
import { della, dellaLinear } from './methods/della.js';
import { arceeFusion } from './methods/arcee-fusion.js';
import { dfs } from './methods/dfs.js';
import { frankenmerge, passthrough } from './methods/frankenmerge.js';
import { karcher } from './methods/karcher.js';
import { linear } from './methods/linear.js';
import { modelStock } from './methods/model-stock.js';
import { multislerp } from './methods/multislerp.js';
import { nearswap } from './methods/nearswap.js';
import { nuslerp } from './methods/nuslerp.js';
import { ram, ramPlusTensorLocal } from './methods/ram.js';
import { sce } from './methods/sce.js';
import { slerp } from './methods/slerp.js';
import { taskArithmetic } from './methods/task-arithmetic.js';
import { ties } from './methods/ties.js';

/**
 * Every merge method by its config name (`merge_method:`), mergekit's aliases included. Extensible from
 * outside: `MERGE_METHODS.register(method)` (or {@link registerMergeMethod}) adds a method that configs
 * may then name.
 */
export const MERGE_METHODS = new Registry<MergeMethod>({
  kind: 'merge method',
  field: 'merge_method',
  entries: [
    linear,
    slerp,
    nuslerp,
    multislerp,
    karcher,
    taskArithmetic,
    ties,
    dare,
    dareTies,
    dareLinear,
    breadcrumbs,
    breadcrumbsTies,
    della,
    dellaLinear,
    sce,
    modelStock,
    nearswap,
    arceeFusion,
    ram,
    ramPlusTensorLocal,
    frankenmerge,
    passthrough,
    dfs,
  ],
});

/** Registers (or replaces) a merge method under its name; build one with `tensorwiseMethod`. */
export function registerMergeMethod<M extends MergeMethod>(method: M): M {
  return MERGE_METHODS.register(method);
}

/** The method registered as `name` (see {@link MERGE_METHODS}); throws a `ForgeError` on field `merge_method` listing the known names. */
export function getMergeMethod(name: string): MergeMethod {
  return MERGE_METHODS.get(name);
}
