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

/**
 * An error whose message already says where the problem is (`file:line, field 'x': …`); catch it to
 * report bad input to the user, and let any other error through as a bug.
 */
export class ForgeError extends Error {
  /** Dotted path of the config field at fault, when the error is about one. */
  readonly field?: string;
  /** Path of the file at fault, when the error is about one. */
  readonly file?: string;
  /** 1-based line within `file`, when known. */
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

/** True for a ForgeError: a user-facing problem with its input, as opposed to a bug. */
export function isForgeError(error: unknown): error is ForgeError {
  return error instanceof ForgeError;
}
