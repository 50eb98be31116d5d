/**
 * What every `opendeg` command shares: where its output goes, its exit codes, and the error a command
 * throws for an expected failure. Exit codes are the contract scripts rely on:
 * 0 success, 1 a check failed, 2 usage error or bad input (or a failure to do the work at all).
 */

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal: progress bars are redrawn there, and printed a line a tenth elsewhere. */
  readonly stderrIsTty: boolean;
}

export const processIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  stderrIsTty: process.stderr.isTTY,
});

/** What a command gets besides its own arguments. */
export interface CommandContext {
  readonly io: CliIo;
  /** `--debug`: stack traces and the embedded server's log. */
  readonly debug: boolean;
  /** The current time; injected so that templates and defaults can be tested. */
  readonly now: () => Date;
}

/**
 * An expected failure: the message (Russian first, English second) is printed as it is, without a
 * stack trace, and the process exits with `exitCode`.
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** The arguments were wrong: the command's usage line follows the message. */
  readonly usage: boolean;

  constructor(exitCode: ExitCode, message: string, options?: { cause?: unknown; usage?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = exitCode;
    this.usage = options?.usage ?? false;
  }
}

/** Wrong arguments (exit 2, with the usage line). */
export function usageError(message: string): CliError {
  return new CliError(EXIT_USAGE, message, { usage: true });
}

/** Input the command cannot use: a file that exists, is not JSON, … (exit 2). */
export function badInput(message: string, cause?: unknown): CliError {
  return new CliError(EXIT_USAGE, message, cause === undefined ? undefined : { cause });
}

export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
