// `terminalProgress`: plain lines when stderr is a pipe or a log, a redrawn cli-progress bar on a TTY.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { terminalProgress } from '../src/index.js';

function stream(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // Only what the reporter and cli-progress use: write, isTTY and the width.
  return { stream: Object.assign(sink, { isTTY, columns: 200 }) as unknown as NodeJS.WriteStream, text: () => text };
}

describe('terminalProgress', () => {
  it('writes one plain line per step of progress when the stream is not a terminal', () => {
    const { stream: out, text } = stream(false);
    const progress = terminalProgress(out);
    progress.log('backend: cpu');
    const bar = progress.start('train', 2);
    bar.tick(1, { loss: 0.5 });
    bar.tick();
    bar.done();
    expect(text().split('\n')).toEqual([
      'backend: cpu',
      'train: 1/2 (50%) loss=0.5',
      'train: 2/2 (100%)',
      expect.stringMatching(/^train: done in \d+\.\ds$/),
      '',
    ]);
  });

  it('draws a bar on a terminal, with the values and the last tick’s info in the final frame', () => {
    const { stream: out, text } = stream(true);
    const progress = terminalProgress(out);
    progress.log('backend: cpu');
    const bar = progress.start('train', 4);
    bar.tick(1);
    bar.tick(3, { loss: 0.25, lr: 0.001 });
    bar.done();
    expect(text().startsWith('backend: cpu\n')).toBe(true);
    // The final frame is drawn by done(), whatever the redraw throttle skipped before.
    const frames = text()
      .split('\u001b')
      .map((piece) => piece.replace(/^(\[[0-9;?]*[A-Za-z]|[78])/, ''))
      .filter((frame) => frame.startsWith('train ['));
    expect(frames.at(-1)).toMatch(/^train \[█{40}\] 100% \| 4\/4 \| ETA 0s loss=0\.25 lr=0\.001\s*$/);
  });
});
