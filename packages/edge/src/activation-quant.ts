/**
 * BitLinear's activation path on the host (parameter-free RMSNorm, per-token absmax levels): core's
 * `quantizeRow`, which every packed kernel shares; re-exported here, where it first lived.
 */
export { quantizeRow } from '@agent-forge/core';
