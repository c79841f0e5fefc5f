/**
 * The one error type users see. It names what was wrong — a config field, a file, a line —
 * so a bad input never surfaces as a stack trace from deep inside tfjs.
 */
export interface ForgeErrorDetails {
  /** Dotted path of the config field at fault, e.g. `phases.bitnet.lr`. */
  field?: string;
  /** File at fault. */
  file?: string;
  /** 1-based line within `file`. */
  line?: number;
  /** Underlying error, kept for debugging. */
  cause?: unknown;
}

export class ForgeError extends Error {
  readonly field?: string;
  readonly file?: string;
  readonly line?: number;

  constructor(message: string, details: ForgeErrorDetails = {}) {
    super(formatMessage(message, details), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ForgeError';
    this.field = details.field;
    this.file = details.file;
    this.line = details.line;
  }
}

function formatMessage(message: string, { field, file, line }: ForgeErrorDetails): string {
  const where: string[] = [];
  if (file !== undefined) where.push(line === undefined ? file : `${file}:${line}`);
  if (field !== undefined) where.push(`field '${field}'`);
  return where.length ? `${where.join(', ')}: ${message}` : message;
}

export function isForgeError(error: unknown): error is ForgeError {
  return error instanceof ForgeError;
}
