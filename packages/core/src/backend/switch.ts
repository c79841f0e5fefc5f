/**
 * Temporary backend switches, mostly for tests that check wasm against the cpu reference.
 *
 * Tensors may cross a switch: tfjs moves a tensor's data to the active backend the first time a
 * kernel there touches it (DataStorage → engine.moveData, a dataSync + write). Still, returning
 * plain arrays (`dataSync()`/`arraySync()`) from the function you run keeps comparisons obvious.
 */
import { ForgeError } from '../errors.js';
import { activateBackend, forcedFailure, resolveThreads, type BackendChoice } from './init.js';
import { tf } from './tf.js';

/**
 * Makes `choice` the active backend, initialising it on first use (wasm with its kernels and the
 * default thread count). Throws ForgeError when it is not installed or fails.
 */
export async function useBackend(choice: BackendChoice): Promise<void> {
  const result = await activateBackend(choice, resolveThreads(undefined));
  if (!result.ok) throw forcedFailure(choice, result, 'option');
}

/** The tfjs name of the active backend, without making tfjs pick one when none is set yet. */
function activeTfjsBackend(): string | undefined {
  const name: unknown = tf.engine().backendName;
  return typeof name === 'string' ? name : undefined;
}

/** Runs `fn` with `choice` active, then switches back to the backend that was active before. */
export async function withBackend<T>(choice: BackendChoice, fn: () => T | Promise<T>): Promise<T> {
  const previous = activeTfjsBackend();
  await useBackend(choice);
  let restored = false;
  let result: T;
  try {
    result = await fn();
  } finally {
    restored = previous === undefined || (await tf.setBackend(previous));
  }
  if (!restored) throw new ForgeError(`could not switch back to backend '${previous}'`);
  return result;
}
