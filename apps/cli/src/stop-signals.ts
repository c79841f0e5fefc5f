/**
 * Where `forge serve`, `forge dashboard` and `forge chat` hear Ctrl-C / SIGTERM: the process by
 * default; a program embedding the CLI (or a test) can pass its own emitter instead.
 */
export type SignalSource = Pick<NodeJS.EventEmitter, 'on' | 'off'>;

/** Resolves at the first SIGINT or SIGTERM from `source`, then stops listening for both. */
export function untilStopSignal(source: SignalSource = process): Promise<void> {
  return new Promise<void>((resolve) => {
    const finish = (): void => {
      source.off('SIGINT', finish);
      source.off('SIGTERM', finish);
      resolve();
    };
    source.on('SIGINT', finish);
    source.on('SIGTERM', finish);
  });
}
