#!/usr/bin/env node
import { isForgeError } from '@agent-forge/core';
import { createProgram } from './program.js';

/**
 * Bad input is a ForgeError and prints as one line naming the field or file; anything else is a
 * bug, shown with its stack only when FORGE_DEBUG is set so users get a readable message.
 */
async function main(): Promise<void> {
  try {
    await createProgram().parseAsync(process.argv);
  } catch (error) {
    if (isForgeError(error)) {
      console.error(`forge: ${error.message}`);
    } else if (error instanceof Error) {
      console.error(`forge: unexpected error: ${error.message}`);
      console.error(process.env.FORGE_DEBUG ? error.stack : '(set FORGE_DEBUG=1 to see the stack trace)');
    } else {
      console.error(`forge: unexpected error: ${String(error)}`);
    }
    process.exitCode = 1;
  }
}

await main();
