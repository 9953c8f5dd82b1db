import type { RetryPolicy } from "../sources/retry-policy.js";
import type { RequestListener } from "../sources/trail.js";

/** Everything a command may take from the outside world, handed in by src/cli.ts (the composition root). */
export interface CommandContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  colorLevel: 0 | 1 | 2 | 3;
  debug: boolean;
  /** Folder holding bfd's built-in rules/ready.yaml and rules/done.yaml. */
  builtinDir: string;
  /** `--config` as given, if any. */
  configOption: string | undefined;
  now: () => Date;
  /** When the run started (epoch ms): the network deadline counts from here. */
  startedAt: number;
  /** Timeouts and retries for Linear and GitLab (--timeout / --deadline). */
  policy: RetryPolicy;
  /** `--debug` request trail (redacted by the caller). */
  onRequest: RequestListener | undefined;
}
