/**
 * The code's layering, enforced: every import between top-level areas of src/ must be in this table, so the flow
 * stays one way (argv → cli → commands → rules/sources → WorkItem → engine → reporters; see docs/architecture.md).
 * A new area or a new edge is a decision: add it here, with the reason, or move the code.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

const SRC = join(ROOT, "src");

/** Who may import whom. Leaf utilities (errors, exit-codes, redact, time) may be imported by anyone. */
const ALLOWED: Record<string, readonly string[]> = {
  // The process entry: builds the outside world from `process` and sets the exit code.
  bin: ["cli"],
  // The composition root: it also decides the terminal's habits (colour, links, width, progress) for the reporters.
  cli: ["program", "commands", "render-error", "redact", "exit-codes", "network-options", "reporters"],
  program: ["commands", "reporters", "errors", "exit-codes"],
  commands: ["*"],
  // Compositions the CLI commands and \`bfd serve\` share (the Done gate of one MR, rules from a branch).
  app: ["rules", "sources", "engine", "work-item", "report"],
  // `bfd serve`: webhooks in, the same gates as the CLI, verdicts out; never a command.
  serve: ["app", "rules", "sources", "engine", "reporters", "work-item", "report", "ci", "board"],
  // Evidence: talks to Linear, GitLab, git and files; knows the WorkItem, never a check, a rule or a command.
  sources: ["work-item"],
  // The pure engine: rules × WorkItem → Report.
  // Waivers are read from the rendered descriptions and comments (src/markdown), compared as normalised text (src/text).
  engine: ["rules", "checks", "work-item", "report", "markdown", "text"],
  rules: ["checks", "work-item"],
  checks: ["work-item", "markdown"],
  "work-item": [],
  markdown: [],
  report: [],
  // Each result type's renderers import the result's type from where it is computed.
  reporters: ["report", "work-item", "markdown", "audit", "handoff", "staging", "rules", "doctor", "board"],
  audit: ["engine", "rules", "work-item", "reporters"],
  handoff: ["markdown", "report", "reporters", "work-item"],
  // The staging result names the states that src/work-item/staging-state.ts defines.
  staging: ["work-item"],
  // `bfd doctor`'s verdicts, pure: it judges what the adapters and the rule loader read (their types, the token hints).
  // It reads the MR template's sections and the pipeline's include as init writes them (src/init, src/markdown).
  doctor: ["sources", "rules", "markdown", "init"],
  // The delivery board's data, assembled purely from what the gates computed (Ready reports, staging, Done reports).
  board: ["engine", "rules", "work-item", "report", "staging"],
  // bfd's own note marker lives beside its own status name (src/work-item/own-status.ts): evidence leaves both out.
  ci: ["work-item"],
  "network-options": ["sources"],
  "render-error": ["reporters"],
};
// src/text: the one normalisation of evidence text and the one "did you mean" — pure, importing nothing of bfd's, and
// meant for every area that compares what people wrote.
const LEAVES = new Set(["errors", "exit-codes", "redact", "time", "limits", "text"]);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith(".ts") ? [path] : [];
  });
}

const areaOf = (path: string): string => {
  const parts = relative(SRC, path).split("/");
  return parts.length === 1 ? parts[0]!.replace(/\.ts$/, "") : parts[0]!;
};

const edges = sourceFiles(SRC).flatMap((file) =>
  [...readFileSync(file, "utf8").matchAll(/(?:from|import\()\s*"(\.{1,2}\/[^"]+)"/g)].map((match) => ({
    file: relative(ROOT, file),
    from: areaOf(file),
    to: areaOf(resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts"))),
  })),
);

describe("the layering of src/", () => {
  it("has only the imports between areas that the table allows", () => {
    const forbidden = edges
      .filter((e) => e.from !== e.to && !LEAVES.has(e.to))
      .filter((e) => {
        const allowed = ALLOWED[e.from];
        return allowed === undefined || !(allowed.includes("*") || allowed.includes(e.to));
      })
      .map((e) => `${e.file}: ${e.from} → ${e.to}`);
    expect(forbidden).toEqual([]);
  });

  it("imports nothing from src/commands outside it, but for the composition root", () => {
    expect(edges.filter((e) => e.to === "commands" && !["commands", "cli", "program"].includes(e.from))).toEqual([]);
  });

  it("keeps vendor SDKs inside their adapter folders", () => {
    const sdkImports = sourceFiles(SRC).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/from\s+"(@linear\/sdk[^"]*|@gitbeaker\/[^"]+)"/g)].map((m) => ({
        file: relative(SRC, file),
        module: m[1]!,
      })),
    );
    expect(sdkImports.length).toBeGreaterThan(0);
    for (const { file, module } of sdkImports) {
      expect(file, module).toMatch(module.startsWith("@linear") ? /^sources\/linear\// : /^sources\/gitlab\//);
    }
  });

  it("sees the imports it judges (a regex that found none would pass anything)", () => {
    expect(edges.filter((e) => e.from === "commands" && e.to === "sources").length).toBeGreaterThan(3);
    expect(edges.filter((e) => e.from === "engine" && e.to === "checks").length).toBeGreaterThan(0);
  });
});
