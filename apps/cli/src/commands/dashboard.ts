import type { Command } from 'commander';
import type { ProgramIo } from '../program.js';
import { startDashboard } from '../dashboard/server.js';
import { redisOptions } from '../queue/connection.js';
import type { Dashboard } from '../dashboard/server.js';
import { type SignalSource, untilStopSignal } from '../stop-signals.js';

export interface DashboardCommandOptions {
  readonly runsDir: string;
  readonly port: number;
  /** The queue URL (with its password) for runs that used a queue; default: the address each run recorded. */
  readonly queue?: string;
  readonly print: (line: string) => void;
  /** Resolves when the server should stop; default: Ctrl-C / SIGTERM from `signals`. */
  readonly until?: Promise<void>;
  /** Where the stop signal comes from when `until` is not given (default: the process). */
  readonly signals?: SignalSource;
}

/** `forge dashboard`: serve the page on 127.0.0.1 until interrupted. */
export async function dashboardCommand(options: DashboardCommandOptions): Promise<Dashboard> {
  const dashboard = await startDashboard({ runsDir: options.runsDir, port: options.port, queue: options.queue });
  options.print(`dashboard for ${options.runsDir}: ${dashboard.url} (Ctrl-C stops it)`);
  await (options.until ?? untilStopSignal(options.signals));
  await dashboard.close();
  return dashboard;
}

const portArg = (value: string): number => {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`expected a port 0–65535, got '${value}'`);
  return port;
};

export function registerDashboardCommand(program: Command, io: Pick<ProgramIo, 'print' | 'signals'>): void {
  program
    .command('dashboard')
    .description(
      'serve a local page (127.0.0.1) with every run: phase timeline, loss, evolution, Grokfast, sizes, latency, alerts, queue',
    )
    .option('--runs <dir>', 'where runs are stored', 'runs')
    .option('--port <n>', 'port to listen on (0: any free port)', portArg, 8765)
    .option('--queue <url>', "the queue of runs that used one, with its password (default: the run's recorded address)")
    .action(async (flags: { runs: string; port: number; queue?: string }) => {
      if (flags.queue !== undefined) redisOptions(flags.queue);
      await dashboardCommand({
        runsDir: flags.runs,
        port: flags.port,
        queue: flags.queue,
        print: io.print,
        signals: io.signals,
      });
    });
}
