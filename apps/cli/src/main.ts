import { isForgeError } from '@agent-forge/core';
import type { Command } from 'commander';
import { createProgram } from './program.js';

export interface ErrorOutput {
  printError: (line: string) => void;
  /** Show the stack of an unexpected error (FORGE_DEBUG). */
  debug: boolean;
}

/**
 * Bad input is a ForgeError and prints as one line naming the field or file; anything else is a
 * bug, shown with its stack only when debugging so users get a readable message.
 */
export function errorLines(error: unknown, debug: boolean): string[] {
  if (isForgeError(error)) return [`forge: ${error.message}`];
  if (error instanceof Error) {
    return [
      `forge: unexpected error: ${error.message}`,
      debug ? (error.stack ?? '') : '(set FORGE_DEBUG=1 to see the stack trace)',
    ];
  }
  return [`forge: unexpected error: ${String(error)}`];
}

/** Runs the command line `argv` (node, script, args…) and returns the process exit code. */
export async function runForge(
  argv: readonly string[],
  program: Command = createProgram(),
  output: ErrorOutput = { printError: (line) => console.error(line), debug: Boolean(process.env.FORGE_DEBUG) },
): Promise<number> {
  try {
    await program.parseAsync([...argv]);
    return 0;
  } catch (error) {
    for (const line of errorLines(error, output.debug)) output.printError(line);
    return 1;
  }
}
