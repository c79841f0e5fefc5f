import { forgeVitest } from '@agent-forge/vitest-config';

// One worker for all files (tfjs imported once): each file that runs tf picks its backend itself. The files
// that start the engine through a command with the cpu backend (`--backend cpu`, a queue worker's
// backend: 'cpu', initBackend({ prefer: 'cpu' })) need a process whose first backend is that one, so each
// gets a process of its own: initBackend refuses to switch an initialised process to another backend.
export default forgeVitest({
  isolate: false,
  isolatedFiles: [
    'test/edge-commands.test.ts',
    'test/info-command.test.ts',
    'test/queue-units.test.ts',
    'test/run-command.test.ts',
  ],
  // `pnpm test:e2e`, its own CI step after the unit suites (`--project end-to-end`).
  e2eFiles: ['test/full-pipeline.test.ts', 'test/queue.test.ts'],
});
