import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";

const SentenceSchema = z
  .object({
    text: z.string().min(1),
    rules: z.array(z.string().min(1)).default([]),
    commands: z.array(z.string().min(1)).default([]),
    note: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.rules.length > 0 || s.commands.length > 0 || s.note !== undefined, {
    message: "names no rule, no command and no note",
  });

const CoverageSchema = z
  .object({
    sections: z.array(z.object({ section: z.string().min(1), sentences: z.array(SentenceSchema) }).strict()),
  })
  .strict();

/** Every sentence of the delivery process and what enforces it (rules/process-coverage.yaml). */
export type ProcessCoverage = z.infer<typeof CoverageSchema>;

export const PROCESS_COVERAGE_FILE = "process-coverage.yaml";

/** Reads bfd's own map of the process page; a broken file is a bug in bfd, so it throws. */
export function readProcessCoverage(builtinDir: string): ProcessCoverage {
  const path = join(builtinDir, PROCESS_COVERAGE_FILE);
  return CoverageSchema.parse(parse(readFileSync(path, "utf8")));
}
