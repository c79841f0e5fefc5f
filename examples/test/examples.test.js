import { describe, expect, test } from 'vitest';
import { exampleScripts } from '../notebooks/build.mjs';
import { CHECKS, runExample } from './run-example.js';

const scripts = await exampleScripts();

describe('examples', () => {
  test('every example script has checks on its figures', () => {
    expect(scripts.sort()).toEqual(Object.keys(CHECKS).sort());
  });

  // Two at a time (maxConcurrency in vitest.config.js): each is a whole tfjs program.
  test.concurrent.for(scripts)('%s exits 0 and prints its figures', async (script, { expect }) => {
    const { code, stdout, stderr, seconds } = await runExample(script);
    console.log(`${script}: ${seconds.toFixed(1)} s`);
    expect(code, `${script} failed:\n${stderr}\n${stdout}`).toBe(0);
    CHECKS[script](stdout, expect);
  });
});
