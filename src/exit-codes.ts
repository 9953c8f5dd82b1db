/** The exit-code contract; only src/cli.ts turns these into the process's exit code. */
export const ExitCode = {
  ok: 0,
  gateFailed: 1,
  usage: 2,
  upstream: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
