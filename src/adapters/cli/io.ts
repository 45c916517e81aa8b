// What a command may touch of the outside world, passed in so that tests run commands in-process.

/** The process as seen by the CLI: output streams, terminal, environment, working folder and date. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard output is a terminal: colors are allowed (unless NO_COLOR is set). */
  readonly isTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Paths given on the command line are relative to this folder, and shown relative to it. */
  readonly cwd: string;
  /** Today's date, YYYY-MM-DD (UTC), for rule expiry. `RAMPART_TODAY` in `env` overrides it. */
  readonly today: string;
  /** Read by `explain --packets -`; defaults to the process's standard input. */
  readonly stdin?: NodeJS.ReadableStream;
}

/**
 * A problem the user can fix (bad path, bad option, policy errors): printed as one line, no stack trace.
 * Exit code 2 unless said otherwise.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** Where an action leaves its exit code; commander actions cannot return one. */
export interface CommandContext {
  readonly io: CliIo;
  /** The command line as typed, for locating references in messages. */
  readonly argv: readonly string[];
  /** Today's date after the RAMPART_TODAY override, checked. */
  readonly today: string;
  exitCode: number;
}
