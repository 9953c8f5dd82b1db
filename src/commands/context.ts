import type { RetryPolicy } from "../sources/retry-policy.js";
import type { RequestListener } from "../sources/trail.js";

/** A progress line on stderr, fed by the request trail; stopped (and erased) when the work is done. */
export interface Progress {
  onRequest: RequestListener;
  stop(): void;
}

/** Everything a command may take from the outside world, handed in by src/cli.ts (the composition root). */
export interface CommandContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  /** Writes to stdout, redacted. */
  stdout: (text: string) => void;
  /** Writes to stderr, redacted. */
  stderr: (text: string) => void;
  /**
   * The one redaction every output passes through — stdout, stderr, `--output` / `--report` files, MR notes,
   * Linear comments — applied to finished (escaped) text: the configured tokens and anything token-shaped.
   */
  redact: (text: string) => string;
  colorLevel: 0 | 1 | 2 | 3;
  /** stdout shows OSC-8 hyperlinks (decided once in src/cli.ts). */
  hyperlinks: boolean;
  /** stdout's width when it is a terminal; undefined otherwise (no wrapping). */
  columns: number | undefined;
  debug: boolean;
  /** Folder holding bfd's built-in rules/ready.yaml and rules/done.yaml. */
  builtinDir: string;
  /** `--config` as given, if any. */
  configOption: string | undefined;
  /** `-R, --repo` as given: the GitLab project to read, before gitlab.project, CI_PROJECT_ID and the origin remote. */
  repoOption?: string | undefined;
  now: () => Date;
  /** When the run started (epoch ms): the network deadline counts from here. */
  startedAt: number;
  /** Timeouts and retries for Linear and GitLab (--timeout / --deadline). */
  policy: RetryPolicy;
  /** `--debug` request trail (redacted by the caller). */
  onRequest: RequestListener | undefined;
  /**
   * A progress line for long reads (`bfd audit`, `bfd staging`): shown only when stderr is a terminal and not
   * with --debug (whose trail is on stderr too); otherwise a progress that shows nothing.
   */
  progress: (command: string) => Progress;
  /** Asks the person at the terminal and returns their answer; undefined when stdin is not a terminal. */
  ask?: ((question: string) => Promise<string>) | undefined;
}

/**
 * The context for a long read whose requests also feed a progress line (`command` null: no line, e.g. for
 * `--format json`, whose runs are for tools). `stop()` erases the line once the read is over; should the read
 * throw, src/cli.ts erases it before printing the error.
 */
export function startProgress(ctx: CommandContext, command: string | null): { ctx: CommandContext; stop(): void } {
  if (command === null) return { ctx, stop: () => undefined };
  const progress = ctx.progress(command);
  const trail = ctx.onRequest;
  return {
    ctx: {
      ...ctx,
      onRequest: (record) => {
        trail?.(record);
        progress.onRequest(record);
      },
    },
    stop: () => progress.stop(),
  };
}
