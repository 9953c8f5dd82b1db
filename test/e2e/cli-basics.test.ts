import { spawn } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, ROOT, runCli, runCliInProcess, tempDir } from "../helpers/cli.js";

const dir = tempDir();
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const example = readFileSync(join(ROOT, "examples/done-pass.json"), "utf8");

describe("snapshot files that cannot be used", () => {
  it.each([
    ["a missing file", join(dir, "nope.json"), "cannot read snapshot (no such file)"],
    ["a directory", dir, "cannot read snapshot (is a directory)"],
    ["broken JSON", write("broken.json", '{"schemaVersion": 1,'), "not valid JSON"],
    ["a JSON array", write("array.json", "[]"), "a snapshot is a JSON object with schemaVersion 3"],
    [
      "a future schema version",
      write("v4.json", example.replace('"schemaVersion": 3', '"schemaVersion": 4')),
      "snapshot schemaVersion is 4, this bfd reads schemaVersion 1 to 3",
    ],
    [
      "no schema version",
      write("v0.json", example.replace('"schemaVersion": 3,', "")),
      "snapshot schemaVersion is missing",
    ],
    ["a wrong field type", write("type.json", example.replace('"iid": 418', '"iid": "418"')), "mergeRequest.iid"],
    ["an unknown field", write("extra.json", example.replace('"branch":', '"brnach": "x", "branch":')), "brnach"],
    // #22: validated like config, with file:line, never "could not evaluate … please report this".
    [
      "a key written twice",
      write("twice.json", example.replace('"branch":', '"branch": null,\n"branch":')),
      'twice.json:5: key "branch" appears twice in the snapshot',
    ],
    [
      "a time that is not ISO 8601",
      write("time.json", example.replace(/"now": "[^"]*"/, '"now": "23/11/2026 09:12"')),
      "now (line 3): not an ISO 8601 time",
    ],
    [
      "a date that does not exist",
      write("day.json", example.replace(/"now": "[^"]*"/, '"now": "2026-02-30T09:12:00Z"')),
      "now (line 3): not an ISO 8601 time",
    ],
  ])("%s is an input error (exit 2) naming the file", async (_name, file, message) => {
    const result = await runCliInProcess(["done", "--snapshot", file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("hint:");
    expect(result.stdout).toBe("");
  });

  it("replays a snapshot written by bfd 0.1 (schemaVersion 1, flag records as flagRecords) with the same verdicts", async () => {
    const current = JSON.parse(example) as { mergeRequest: Record<string, unknown> };
    const { files, ...mergeRequest } = current.mergeRequest;
    const v1 = { ...current, schemaVersion: 1, mergeRequest: { ...mergeRequest, flagRecords: files } };
    const [old, now] = await Promise.all([
      runCliInProcess(["done", "--snapshot", write("v1.json", JSON.stringify(v1)), "--format", "json"]),
      runCliInProcess(["done", "--snapshot", join(ROOT, "examples/done-pass.json"), "--format", "json"]),
    ]);
    expect(old.code).toBe(0);
    expect(JSON.parse(old.stdout)).toEqual(JSON.parse(now.stdout));
  });
});

describe("the command line", () => {
  it("prints the package version", async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const result = await runCli(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it("shows help with examples and the exit codes", async () => {
    const result = await runCli(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples:");
    expect(result.stdout).toContain(
      "Exit codes: 0 pass · 1 a gate failed · 2 usage/config/input or setup error (a rejected token) · 3 Linear or GitLab unavailable",
    );
  });

  it.each([
    [["frobnicate"], "unknown command 'frobnicate'"],
    [
      ["done", "--snapshot", "examples/done-pass.json", "--format", "xml"],
      "--format <format>' argument 'xml' is invalid",
    ],
    [["ready", "--bogus"], "unknown option '--bogus'"],
    [["rules", "explain", "no-such-thing"], 'no rule or check kind named "no-such-thing"'],
    [["help", "dne"], `unknown command 'dne'. Did you mean "done"?`],
  ])("rejects %j as a usage error (exit 2)", async (args, message) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  /** The commands a help page lists under "Commands:", `help` aside. */
  const commandsIn = (help: string): string[] =>
    [...(help.split("\nCommands:\n")[1] ?? "").matchAll(/^ {2}([a-z][a-z-]*)\b/gm)]
      .map((m) => m[1]!)
      .filter((name) => name !== "help");

  it("gives every command examples and the global options in its help (#24)", async () => {
    const top = commandsIn((await runCliInProcess(["--help"])).stdout);
    const nested = commandsIn((await runCliInProcess(["rules", "--help"])).stdout).map((name) => `rules ${name}`);
    expect(top).toEqual(expect.arrayContaining(["ready", "done", "snapshot", "mcp", "rules", "completion"]));
    expect(nested).toEqual(["rules check", "rules list", "rules explain", "rules schema"]);
    for (const path of [...top, ...nested]) {
      const help = await runCliInProcess([...path.split(" "), "--help"]);
      expect(help.code, path).toBe(0);
      expect(help.stdout, path).toMatch(/\nExamples:\n {2}\$ .*\bbfd /);
      expect(help.stdout, path).toContain("\nGlobal Options:\n");
      for (const flag of ["-c, --config", "-R, --repo", "--no-color", "--debug", "--timeout", "--deadline"])
        expect(help.stdout, `${path} ${flag}`).toContain(flag);
    }
  });

  it.each([
    [["completion"], "missing required argument 'shell'; choose one of: bash, zsh, fish", "bfd completion --help"],
    [
      ["handoff", "ENG-1"],
      "required option '--state <state>' not specified; choose one of: in-review, blocked, staging-validation, decision",
      "bfd handoff --help",
    ],
    [
      ["-c", "x.yaml", "rules", "schema", "--for"],
      "choose one of: rules, config, report, snapshot",
      "bfd rules schema --help",
    ],
    [
      ["rules", "explain"],
      "missing required argument 'id'; the rules in force: acceptance-criteria-met,",
      "bfd rules explain --help",
    ],
    [["completion", "tcsh"], "Allowed choices are bash, zsh, fish", "bfd completion --help"],
  ])("lists the choices when %j misses a value, and names the command's help", async (args, message, help) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain(`hint: Run \`${help}\` for usage and examples.`);
  });

  it.each([
    [[], "Usage: bfd [options] [command]"],
    [["rules"], "Usage: bfd rules [options] [command]"],
  ])("shows the usage on stderr and exits 2 when %j names no command", async (args, usage) => {
    const result = await runCliInProcess(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(usage);
    expect(result.stdout).toBe("");
  });

  it("writes the report to --output and says where", async () => {
    const out = join(dir, "nested", "report.json");
    const result = await runCliInProcess([
      "done",
      "--snapshot",
      "examples/done-fail.json",
      "--format",
      "json",
      "--output",
      out,
    ]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`report written to ${out}`);
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ gate: "done", verdict: "fail" });
  });

  it("uses colour only when asked (FORCE_COLOR) and never with --no-color", async () => {
    const forced = await runCliInProcess(["ready", "--snapshot", "examples/ready-pass.json"], {
      env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
    });
    expect(forced.stdout).toContain("\u001b[");
    const plain = await runCliInProcess(["ready", "--snapshot", "examples/ready-pass.json", "--no-color"], {
      env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
    });
    expect(plain.stdout).not.toContain("\u001b[");
  });

  it("prints the checklist with a summary line and what to do next", async () => {
    const result = await runCliInProcess(["done", "--snapshot", "examples/done-fail.json"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("7 failed · 3 passed · 1 waived · 3 skipped");
    expect(result.stdout).toContain("Not done yet: fix the 7 blocking items above, then run `bfd done ENG-142` again.");
  });

  it("strips terminal escape sequences that come from issue text", async () => {
    const evil = example.replace(
      '"title": "Show sign-in events in the admin audit log"',
      '"title": "Show \\u001b[2J\\u001b]0;pwned\\u0007events"',
    );
    const result = await runCliInProcess(["done", "--snapshot", write("evil.json", evil)]);
    expect(result.stdout).toContain("ENG-142 Show events");
    expect(result.stdout).not.toContain("\u001b");
  });
});

describe("a config that leaves a gate without rules", () => {
  it.each(["ready", "done"])("stops bfd %s with exit 2 instead of printing that the criteria are met", async (gate) => {
    const dir = tempDir();
    writeFileSync(join(dir, "bfd.config.yaml"), "extends: none\n");
    const result = await runCliInProcess([gate, "--snapshot", join(ROOT, `examples/${gate}-pass.json`)], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`bfd: no rules in force for the ${gate} gate (bfd.config.yaml)`);
    expect(result.stderr).toContain(`add rules with gate: ${gate}`);
  });

  it("fails bfd rules check (exit 2) instead of printing a tick for zero rules", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "bfd.config.yaml"), "extends: none\n");
    const result = await runCliInProcess(["rules", "check"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stdout).not.toContain("✔");
    expect(result.stderr).toContain("bfd: no rules in force for the ready gate (bfd.config.yaml)");
  });
});

describe("committed generated files", () => {
  it.each(["rules", "config", "report", "snapshot"])(
    "schemas/%s.schema.json matches `bfd rules schema`",
    async (what) => {
      const result = await runCliInProcess(["rules", "schema", "--for", what]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(
        JSON.parse(readFileSync(join(ROOT, `schemas/${what}.schema.json`), "utf8")),
      );
    },
  );

  it("docs/rules.md matches `bfd rules list --format markdown` (run `npm run generate`)", async () => {
    const result = await runCliInProcess(["rules", "list", "--format", "markdown"]);
    expect(result.stdout).toBe(readFileSync(join(ROOT, "docs/rules.md"), "utf8"));
  });
});

/** Runs the CLI with its stdout read end closed before it writes a byte, as `bfd … | head -0` would. */
function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
  });
}

describe("a reader that goes away (EPIPE)", () => {
  it.each([
    [["--help"], 0],
    [["rules", "list"], 0],
    [["rules", "list", "--format", "markdown"], 0],
    [["done", "--snapshot", "examples/done-fail.json"], 1],
    [["done", "--snapshot", "examples/done-pass.json", "--format", "json"], 0],
  ])("ends %j quietly with the command's own exit code (%i)", async (args, code) => {
    const result = await runWithClosedStdout(args);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(code);
  });

  it("ends `bfd --help | head -1` quietly in a real pipeline", async () => {
    const result = await new Promise<{ stdout: string; stderr: string; code: number | null }>((resolve) => {
      const child = spawn("sh", ["-c", `"${process.execPath}" "${BIN}" rules list | head -1`], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1" },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("close", (code) => resolve({ stdout, stderr, code }));
    });
    expect(result.stdout).toMatch(/^id +gate +severity +title\n$/);
    expect(result.stderr).toBe("");
  });
});

describe("-o - is stdout", () => {
  it.each([
    [["done", "--snapshot", "examples/done-fail.json", "-o", "-"], "7 failed · 3 passed"],
    [["ready", "--snapshot", "examples/ready-pass.json", "--format", "json", "-o", "-"], '"gate": "ready"'],
    [["handoff", "--snapshot", "examples/done-pass.json", "--state", "in-review", "-o", "-"], "## Handoff: In Review"],
    [["rules", "list", "-o", "-"], "unit-of-work"],
    [["rules", "schema", "--for", "report", "-o", "-"], '"$schema"'],
  ])("for %j", async (args, text) => {
    const result = await runCliInProcess(args);
    expect(result.stdout).toContain(text);
    expect(result.stderr).not.toContain("written to");
    expect(existsSync(join(ROOT, "-"))).toBe(false);
  });
});

describe("an --output that cannot be written", () => {
  const fileAsFolder = write("plain-file.txt", "x");
  const readOnly = join(dir, "read-only");
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o555);
  // root writes through a 0555 folder: run as an unprivileged user then, so the folder is really read-only. That user
  // may not reach the checkout (cloned under a private 0700 folder, #26): it runs a copy of the built CLI in a folder
  // of its own that it can read.
  const asRoot = process.getuid?.() === 0;
  const asUser = asRoot ? { uid: 65534, gid: 65534 } : {};
  const install = asRoot ? tempDir("bfd-as-nobody-") : ROOT;
  if (asRoot) {
    for (const part of ["dist", "rules", "examples"])
      cpSync(join(ROOT, part), join(install, part), { recursive: true });
    chmodSync(install, 0o755);
    chmodSync(dir, 0o755);
  }

  it.each([
    [
      "a folder under /proc (recursive mkdir spins forever there)",
      "/proc/bfd-nope/report.json",
      "no such folder, and it cannot be created",
    ],
    ["a path whose parent is a file", join(fileAsFolder, "report.json"), "a part of the path is a file, not a folder"],
    ["a file in a read-only folder", join(readOnly, "report.json"), "permission denied"],
    ["a new folder in a read-only folder", join(readOnly, "sub", "report.json"), "permission denied"],
  ])("is a one-line usage error (exit 2): %s", async (_what, path, why) => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const bin = join(install, "dist", "bfd.js");
      const child = spawn(process.execPath, [bin, "done", "--snapshot", "examples/done-fail.json", "-o", path], {
        cwd: install,
        env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: "/tmp" },
        ...asUser,
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`bfd did not finish writing to ${path}`));
      }, 15_000);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.split("\n")).toEqual([
      `bfd: cannot write ${path} (${why})`,
      "  hint: Choose a path you can write to (its folder is created if missing), or use -o - to print.",
      "",
    ]);
  });
});

describe("text from Linear on stderr", () => {
  it("prints the handoff warning without the escape sequences a state name carried", async () => {
    const hostile = "In \u001b]8;;https://evil.example/\u0007Progress\u001b]8;;\u0007\u001b[2J";
    const evil = example.replace('"name": "In Review"', `"name": ${JSON.stringify(hostile)}`);
    const result = await runCliInProcess([
      "handoff",
      "--snapshot",
      write("hostile-state.json", evil),
      "--state",
      "blocked",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('is "In Progress" in Linear');
    expect(result.stderr).not.toContain("\u001b");
    expect(result.stderr).not.toContain("\u0007");
  });
});

describe("the rules in force", () => {
  it("are named in the gate's header, and on stderr with --debug", async () => {
    write("bfd.config.yaml", "disable: [validation-explained]\n");
    const result = await runCliInProcess(["--debug", "done", "--snapshot", join(ROOT, "examples/done-fail.json")], {
      cwd: dir,
    });
    expect(result.stdout).toContain("\n  rules: bfd.config.yaml + built-in\n");
    expect(result.stderr).toContain("debug: rules: bfd.config.yaml + built-in");
    const builtin = await runCliInProcess(["done", "--snapshot", "examples/done-fail.json"]);
    expect(builtin.stdout).toContain("\n  rules: built-in\n");
  });
});
