/** What the runtimes other than ours share: their handle, and the edge runtime's stop rules. */
import type { StreamOptions, StreamStopReason, TokenGenerator } from '@agent-forge/edge';

/** A token generator on another runtime, and how to free it. */
export interface ExternalRuntime {
  /** Generates like the edge engine's default, on that runtime. */
  readonly generate: TokenGenerator;
  /** Frees the runtime's model and removes the temporary export. */
  dispose(): Promise<void>;
}

/** Why generation ends after `token`, or null to go on; the rules of the edge runtime's `streamTokens`. */
export function stopAfter(
  token: number,
  generated: number,
  promptLength: number,
  options: StreamOptions,
  contextLength: number,
): StreamStopReason | null {
  if ((options.stopTokens ?? []).includes(token)) return 'stop-token';
  if (generated >= options.maxNewTokens) return 'max-new-tokens';
  // The token just picked would need the position after the context.
  if (promptLength + generated - 1 >= contextLength) return 'context-full';
  return options.signal?.aborted ? 'aborted' : null;
}
