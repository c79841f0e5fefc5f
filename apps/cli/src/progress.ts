import { lineProgress } from '@agent-forge/core';
import type { ProgressReporter } from '@agent-forge/core';
import cliProgress from 'cli-progress';

/**
 * A redrawn bar on a TTY (cli-progress), plain log lines otherwise (CI logs, pipes),
 * both on stderr so stdout stays clean for results.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  const writeLine = (line: string): void => {
    stream.write(`${line}\n`);
  };
  if (!stream.isTTY) return lineProgress(writeLine);
  return {
    log: writeLine,
    start(label, total) {
      const bar = new cliProgress.SingleBar(
        {
          format: `${label} [{bar}] {percentage}% | {value}/{total} | ETA {eta_formatted} {info}`,
          stream,
          hideCursor: true,
          clearOnComplete: false,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { info: '' });
      return {
        tick(amount = 1, info) {
          const text = info
            ? Object.entries(info)
                .map(([k, v]) => `${k}=${v}`)
                .join(' ')
            : '';
          bar.increment(amount, { info: text });
        },
        done() {
          bar.stop();
        },
      };
    },
  };
}
