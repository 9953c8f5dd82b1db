import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { usageError } from "../errors.js";
import type { CommandContext } from "./context.js";

/** Writes to `--output FILE` (creating its folder) or to stdout. */
export function writeOutput(ctx: CommandContext, text: string, output: string | undefined): void {
  if (output === undefined || output === "-") {
    ctx.stdout(text);
    return;
  }
  const path = resolve(ctx.cwd, output);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  } catch (error) {
    const why = error instanceof Error && "code" in error ? String(error.code) : "write failed";
    throw usageError(
      "output-unwritable",
      `cannot write ${output} (${why})`,
      "Choose a path you can write to, or leave --output out to print.",
    );
  }
}
