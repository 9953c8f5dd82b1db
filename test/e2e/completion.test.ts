/**
 * `bfd completion bash|zsh|fish`: each script parses in its shell and completes commands, options and their
 * values from bfd's own command tree. zsh and fish are optional on a developer's machine: their tests skip with a
 * message when the shell is absent — unless BFD_REQUIRE_SYSTEM_TOOLS=1 (bfd's CI sets it), which makes that a failure.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command, Option } from "commander";
import { beforeAll, describe, expect, it } from "vitest";
import { completionScript } from "../../src/commands/completion.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { needTool } from "../helpers/system-tools.js";

const dir = tempDir("bfd-completion-");
const scripts: Record<string, string> = {};

beforeAll(async () => {
  for (const shell of ["bash", "zsh", "fish"]) {
    const result = await runCli(["completion", shell]);
    expect(result.code, result.stderr).toBe(0);
    scripts[shell] = join(dir, `bfd.${shell}`);
    writeFileSync(scripts[shell], result.stdout);
  }
});

const needShell = (shell: string, skip: (note: string) => void): void => needTool(shell, ["-c", "exit 0"], skip);

const CASES: [string, string[], string[], string[]][] = [
  ["commands at the top", ["bfd", ""], ["ready", "done", "ci", "rules", "completion"], []],
  ["a command from its start", ["bfd", "sta"], ["staging"], ["ready"]],
  ["a nested command after a global option and its value", ["bfd", "--config", "x.yaml", "rules", "l"], ["list"], []],
  ["a command's options", ["bfd", "done", "--"], ["--snapshot", "--format", "--mr", "--config"], ["--comment"]],
  ["an option's choices", ["bfd", "done", "--format", ""], ["pretty", "json", "markdown", "junit", "codequality"], []],
  ["a nested command's choices", ["bfd", "rules", "list", "-f", "m"], ["markdown"], ["table"]],
  ["an argument's choices", ["bfd", "completion", ""], ["bash", "zsh", "fish"], []],
  [
    "the rule ids and check kinds after rules explain",
    ["bfd", "rules", "explain", "active"],
    ["active-issue-matches"],
    ["validated-in-pipeline"],
  ],
  ["a check kind after rules explain", ["bfd", "rules", "explain", "branch-"], ["branch-names-issue"], []],
  [
    "the handoff states",
    ["bfd", "handoff", "--state", ""],
    ["in-review", "blocked", "staging-validation", "decision"],
    [],
  ],
];

describe("bash", () => {
  it("parses (bash -n)", () => {
    expect(() => execFileSync("bash", ["-n", scripts.bash!])).not.toThrow();
  });

  it.each(CASES)("completes %s", (_what, words, expected, absent) => {
    const line = words.map((w) => `'${w}'`).join(" ");
    const out = execFileSync(
      "bash",
      [
        "-c",
        `source '${scripts.bash}'; COMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _bfd; printf '%s\\n' "\${COMPREPLY[@]}"`,
      ],
      { encoding: "utf8" },
    ).split("\n");
    expect(out).toEqual(expect.arrayContaining(expected));
    for (const word of absent) expect(out).not.toContain(word);
  });

  it("offers no file names for a value that is not a file (--timeout seconds)", () => {
    const out = execFileSync(
      "bash",
      [
        "-c",
        `source '${scripts.bash}'; COMP_WORDS=(bfd done --timeout ''); COMP_CWORD=3; _bfd; echo "[\${COMPREPLY[*]}]"`,
      ],
      { encoding: "utf8", cwd: dir },
    );
    expect(out.trim()).toBe("[]");
  });
});

describe("zsh", () => {
  it("parses (zsh -n)", ({ skip }) => {
    needShell("zsh", skip);
    expect(() => execFileSync("zsh", ["-n", scripts.zsh!])).not.toThrow();
  });

  it.for(CASES)("completes %s", ([, words, expected], { skip }) => {
    needShell("zsh", skip);
    // zsh's completion builtins only run inside the line editor: stand-ins print what would be offered.
    const harness = [
      "compdef() { : }",
      '_describe() { print -rl -- "${(@P)${@[-1]}%%:*}" }',
      'compadd() { shift; print -rl -- "$@" }',
      "_files() { print files }",
      "_message() { : }",
      `source '${scripts.zsh}'`,
      `words=(${words.map((w) => `'${w}'`).join(" ")}); CURRENT=${words.length}; _bfd`,
    ].join("\n");
    const out = execFileSync("zsh", ["-c", harness], { encoding: "utf8" })
      .split("\n")
      .map((w) => w.replace(/\\:/g, ":"));
    // zsh itself keeps the candidates that match what was typed; the script offers all at that point.
    expect(out).toEqual(expect.arrayContaining(expected));
  });
});

describe("fish", () => {
  it("parses (fish --no-execute)", ({ skip }) => {
    needShell("fish", skip);
    expect(() => execFileSync("fish", ["--no-execute", scripts.fish!])).not.toThrow();
  });

  it.for(CASES)("completes %s", ([, words, expected, absent], { skip }) => {
    needShell("fish", skip);
    const line = words.join(" ");
    const out = execFileSync("fish", ["-c", `source '${scripts.fish}'; complete -C '${line}'`], { encoding: "utf8" })
      .split("\n")
      .map((l) => l.split("\t")[0]!);
    expect(out).toEqual(expect.arrayContaining(expected));
    for (const word of absent) expect(out).not.toContain(word);
  });
});

describe("rule ids", () => {
  it("are the rules in force where the script is written: a team's own rule too", async () => {
    const repo = tempDir("bfd-completion-rules-");
    writeFileSync(
      join(repo, "bfd.config.yaml"),
      "rules:\n  - id: team-has-owner\n    gate: ready\n    title: Someone owns it\n    check: assignee\n",
    );
    const result = await runCli(["completion", "bash"], { cwd: repo });
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/" rules explain"\) candidates="[^"]*\bteam-has-owner\b/);
  });

  it("fall back to the built-in rules when the config does not load, so the script is still written", async () => {
    const repo = tempDir("bfd-completion-broken-");
    writeFileSync(join(repo, "bfd.config.yaml"), "rules: [\n");
    const result = await runCli(["completion", "fish"], { cwd: repo });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("active-issue-matches");
  });
});

describe("the scripts come from the command tree", () => {
  const program = new Command("bfd");
  program.option("--debug", "debug");
  program
    .command("brand-new")
    .description("a command added later")
    .addOption(new Option("--colour <c>", "a colour").choices(["red", "green"]));

  it.each(["bash", "zsh", "fish"] as const)("so a command added to the tree is in the %s script", (shell) => {
    const script = completionScript(shell, program);
    // fish names options without their dashes (`-l colour`); bash has no descriptions.
    for (const word of ["brand-new", "colour", "red", "green", "debug"]) expect(script).toContain(word);
    if (shell !== "bash") expect(script).toContain("a command added later");
  });

  it("and a name that could break out of a script is refused, not quoted away", () => {
    const bad = new Command("bfd");
    bad.command("x").addOption(new Option("--mode <m>", "mode").choices(["a;rm -rf ~"]));
    expect(() => completionScript("bash", bad)).toThrow(/not a plain word/);
  });
});
