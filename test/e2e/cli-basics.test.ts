import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "../helpers/cli.js";

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
    ["a JSON array", write("array.json", "[]"), "a snapshot is a JSON object with schemaVersion 2"],
    [
      "a future schema version",
      write("v3.json", example.replace('"schemaVersion": 2', '"schemaVersion": 3')),
      "snapshot schemaVersion is 3, this bfd reads schemaVersion 1 and 2",
    ],
    [
      "no schema version",
      write("v0.json", example.replace('"schemaVersion": 2,', "")),
      "snapshot schemaVersion is missing",
    ],
    ["a wrong field type", write("type.json", example.replace('"iid": 418', '"iid": "418"')), "mergeRequest.iid"],
    ["an unknown field", write("extra.json", example.replace('"branch":', '"brnach": "x", "branch":')), "brnach"],
  ])("%s is an input error (exit 2) naming the file", async (_name, file, message) => {
    const result = await runCli(["done", "--snapshot", file]);
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
      runCli(["done", "--snapshot", write("v1.json", JSON.stringify(v1)), "--format", "json"]),
      runCli(["done", "--snapshot", join(ROOT, "examples/done-pass.json"), "--format", "json"]),
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
      "Exit codes: 0 pass · 1 a gate failed · 2 usage/config/input error · 3 Linear or GitLab unavailable",
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
  ])("rejects %j as a usage error (exit 2)", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("writes the report to --output and says where", async () => {
    const out = join(dir, "nested", "report.json");
    const result = await runCli(["done", "--snapshot", "examples/done-fail.json", "--format", "json", "--output", out]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`report written to ${out}`);
    expect(JSON.parse(readFileSync(out, "utf8"))).toMatchObject({ gate: "done", verdict: "fail" });
  });

  it("uses colour only when asked (FORCE_COLOR) and never with --no-color", async () => {
    const forced = await runCli(["ready", "--snapshot", "examples/ready-pass.json"], {
      env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
    });
    expect(forced.stdout).toContain("\u001b[");
    const plain = await runCli(["ready", "--snapshot", "examples/ready-pass.json", "--no-color"], {
      env: { NO_COLOR: undefined, FORCE_COLOR: "1" },
    });
    expect(plain.stdout).not.toContain("\u001b[");
  });

  it("prints the checklist with a summary line and what to do next", async () => {
    const result = await runCli(["done", "--snapshot", "examples/done-fail.json"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("7 failed · 2 passed · 1 waived · 1 skipped");
    expect(result.stdout).toContain("Not done yet: fix the 7 blocking items above, then run `bfd done ENG-142` again.");
  });

  it("strips terminal escape sequences that come from issue text", async () => {
    const evil = example.replace(
      '"title": "Show sign-in events in the admin audit log"',
      '"title": "Show \\u001b[2J\\u001b]0;pwned\\u0007events"',
    );
    const result = await runCli(["done", "--snapshot", write("evil.json", evil)]);
    expect(result.stdout).toContain("ENG-142 Show events");
    expect(result.stdout).not.toContain("\u001b");
  });
});

describe("committed generated files", () => {
  it.each(["rules", "config", "report", "snapshot"])(
    "schemas/%s.schema.json matches `bfd rules schema`",
    async (what) => {
      const result = await runCli(["rules", "schema", "--for", what]);
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toEqual(
        JSON.parse(readFileSync(join(ROOT, `schemas/${what}.schema.json`), "utf8")),
      );
    },
  );

  it("docs/rules.md matches `bfd rules list --format markdown` (run `npm run generate`)", async () => {
    const result = await runCli(["rules", "list", "--format", "markdown"]);
    expect(result.stdout).toBe(readFileSync(join(ROOT, "docs/rules.md"), "utf8"));
  });
});
