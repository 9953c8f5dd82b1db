import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { renderPretty } from "../../src/reporters/pretty.js";
import { createStatusLine, ERASE_LINE, progressLine } from "../../src/reporters/progress.js";
import { stripTerminalControls } from "../../src/reporters/sanitize.js";
import { hyperlinksSupported, terminalLink, visibleWidth, wrapLine } from "../../src/reporters/terminal.js";
import { builtinRuleFiles } from "../../src/rules/files.js";
import { loadRuleSet } from "../../src/rules/load.js";
import { parseSnapshot } from "../../src/sources/snapshot.js";
import { ROOT } from "../helpers/cli.js";

const tty = { isTTY: true, colorLevel: 1, platform: "linux" };

describe("hyperlink support (the supports-hyperlinks rules)", () => {
  it.each([
    ["FORCE_HYPERLINK=1, even in a pipe", { FORCE_HYPERLINK: "1" }, { ...tty, isTTY: false, colorLevel: 0 }, true],
    ["FORCE_HYPERLINK=0, even in iTerm", { FORCE_HYPERLINK: "0", TERM_PROGRAM: "iTerm.app" }, tty, false],
    ["iTerm 3.1", { TERM_PROGRAM: "iTerm.app", TERM_PROGRAM_VERSION: "3.1.0" }, tty, true],
    ["iTerm 3.0", { TERM_PROGRAM: "iTerm.app", TERM_PROGRAM_VERSION: "3.0.10" }, tty, false],
    ["VS Code 1.72", { TERM_PROGRAM: "vscode", TERM_PROGRAM_VERSION: "1.72.0" }, tty, true],
    ["VS Code 1.71", { TERM_PROGRAM: "vscode", TERM_PROGRAM_VERSION: "1.71.2" }, tty, false],
    ["WezTerm", { TERM_PROGRAM: "WezTerm", TERM_PROGRAM_VERSION: "20240203-110809-5046fc22" }, tty, true],
    ["ghostty", { TERM_PROGRAM: "ghostty" }, tty, true],
    ["Windows Terminal", { WT_SESSION: "abc" }, tty, true],
    ["VTE 0.50 (GNOME Terminal)", { VTE_VERSION: "5000" }, tty, true],
    ["VTE 0.46", { VTE_VERSION: "4601" }, tty, false],
    ["kitty", { TERM: "xterm-kitty" }, tty, true],
    ["an unknown terminal", { TERM: "xterm-256color" }, tty, false],
    ["a pipe", { TERM_PROGRAM: "ghostty" }, { ...tty, isTTY: false }, false],
    ["no colour (NO_COLOR, --no-color)", { TERM_PROGRAM: "ghostty" }, { ...tty, colorLevel: 0 }, false],
    ["CI", { TERM_PROGRAM: "ghostty", CI: "true" }, tty, false],
  ])("%s → %s", (_what, env, stream, expected) => {
    expect(hyperlinksSupported(env, stream)).toBe(expected);
  });
});

describe("terminal links", () => {
  it("wraps a short label in OSC 8 when enabled", () => {
    expect(terminalLink("ENG-1", "https://linear.app/a/issue/ENG-1", true)).toBe(
      "\u001b]8;;https://linear.app/a/issue/ENG-1\u001b\\ENG-1\u001b]8;;\u001b\\",
    );
  });

  it.each([
    ["disabled", "https://linear.app/x", false],
    ["not an http(s) URL", "javascript:alert(1)", true],
    ["a URL that carries an escape sequence", "https://x.example/\u001b]8;;https://evil\u0007", true],
    ["no URL", null, true],
  ])("is the plain label when %s", (_what, url, enabled) => {
    const link = terminalLink("ENG-1", url, enabled);
    if (url !== null && url.includes("\u001b")) expect(link).not.toContain("evil\u0007");
    else expect(link).toBe("ENG-1");
  });
});

describe("wrapping", () => {
  it.each([
    ["a line that fits", "  short line", 40, ["  short line"]],
    [
      "at spaces, keeping the indent",
      "      one two three four five six",
      20,
      ["      one two three", "      four five six"],
    ],
    ["under a one-character marker", "  ✖ The merge request is green", 20, ["  ✖ The merge", "    request is green"]],
    [
      "never inside a URL, which overflows",
      "  → see https://gitlab.example.com/acme/web/-/merge_requests/421 now",
      30,
      ["  → see", "    https://gitlab.example.com/acme/web/-/merge_requests/421", "    now"],
    ],
  ])("wraps %s", (_what, line, columns, lines) => {
    expect(wrapLine(line, columns)).toEqual(lines);
  });

  it("measures text without its escape sequences", () => {
    expect(visibleWidth(`\u001b[31m${terminalLink("ENG-1", "https://x.example/", true)}\u001b[39m`)).toBe(5);
  });
});

describe("pretty report in a terminal", () => {
  const rules = loadRuleSet({
    builtinFiles: builtinRuleFiles(ROOT, join(ROOT, "rules")),
    configFile: null,
    readRuleFile: () => null,
  }).rules;
  const report = evaluate(
    rules,
    parseSnapshot(readFileSync(join(ROOT, "examples/done-fail.json"), "utf8"), "done-fail.json"),
    { gate: "done" },
  );

  it("shows the issue and the MR as short linked labels instead of their URLs", () => {
    const text = renderPretty(report, { colorLevel: 1, hyperlinks: true });
    const issueUrl = "https://linear.app/acme/issue/ENG-142/show-sign-in-events-in-the-admin-audit-log";
    expect(text).toContain(`\u001b]8;;${issueUrl}\u001b\\ENG-142\u001b]8;;\u001b\\`);
    expect(text).toContain(
      "\u001b]8;;https://gitlab.acme.example/acme/web/-/merge_requests/421\u001b\\acme/web!421\u001b]8;;\u001b\\",
    );
    // Outside link targets, neither URL is printed: a hint that named the issue's URL names ENG-142 instead.
    expect(stripTerminalControls(text)).not.toContain(issueUrl);
    expect(stripTerminalControls(text)).toContain("tick it in ENG-142 (Admins can filter");
  });

  it("wraps to the terminal's width, breaking no word", () => {
    const text = renderPretty(report, { colorLevel: 0, columns: 80 });
    const plain = renderPretty(report, { colorLevel: 0 });
    for (const line of text.split("\n")) {
      if (visibleWidth(line) > 80) expect(line.trim()).not.toContain(" ");
    }
    expect(text.replace(/\s+/g, " ")).toBe(plain.replace(/\s+/g, " "));
    expect(text.split("\n").length).toBeGreaterThan(plain.split("\n").length);
  });

  it("names the rules in force in its header", () => {
    expect(renderPretty(report, { colorLevel: 0, rules: { config: "bfd.config.yaml", builtinFiles: [] } })).toContain(
      "\n  rules: bfd.config.yaml + built-in\n",
    );
    expect(renderPretty(report, { colorLevel: 0, rules: { config: null, builtinFiles: [] } })).toContain(
      "\n  rules: built-in\n",
    );
  });
});

describe("progress line", () => {
  it.each([
    [{ services: [], requests: 0, elapsedMs: 0, frame: 0 }, 80, "⠋ bfd audit: starting… 0 requests, 0.0 s"],
    [
      { services: ["Linear"], requests: 1, elapsedMs: 420, frame: 1 },
      80,
      "⠙ bfd audit: reading Linear… 1 request, 0.4 s",
    ],
    [
      { services: ["GitLab", "Linear"], requests: 3, elapsedMs: 4210, frame: 12 },
      80,
      "⠹ bfd audit: reading GitLab and Linear… 3 requests, 4.2 s",
    ],
    [{ services: ["Linear"], requests: 3, elapsedMs: 4210, frame: 0 }, 20, "⠋ bfd audit: readi…"],
  ])("renders %j in %i columns", (state, columns, line) => {
    expect(progressLine({ command: "bfd audit", ...state }, columns)).toBe(line);
  });

  function harness(enabled: boolean) {
    let out = "";
    let clock = 0;
    let tick: (() => void) | null = null;
    const status = createStatusLine({
      write: (text) => (out += text),
      enabled,
      columns: () => 80,
      now: () => clock,
      every: (_ms, fn) => {
        tick = fn;
        return () => (tick = null);
      },
    });
    return {
      status,
      out: () => out,
      advance: (ms: number) => {
        clock += ms;
        tick?.();
      },
      ticking: () => tick !== null,
    };
  }

  it("draws, counts requests, keeps other stderr text intact, and erases itself when stopped", () => {
    const h = harness(true);
    const progress = h.status.start("bfd staging");
    progress.onRequest({ service: "GitLab" });
    h.advance(1500);
    h.status.write("bfd staging: warning: x\n");
    progress.stop();
    expect(h.ticking()).toBe(false);
    expect(h.out()).toBe(
      [
        `${ERASE_LINE}⠋ bfd staging: starting… 0 requests, 0.0 s`,
        `${ERASE_LINE}⠋ bfd staging: reading GitLab… 1 request, 0.0 s`,
        `${ERASE_LINE}⠙ bfd staging: reading GitLab… 1 request, 1.5 s`,
        ERASE_LINE,
        "bfd staging: warning: x\n",
        `${ERASE_LINE}⠙ bfd staging: reading GitLab… 1 request, 1.5 s`,
        ERASE_LINE,
      ].join(""),
    );
  });

  it("shows nothing at all when disabled (not a terminal, --debug)", () => {
    const h = harness(false);
    const progress = h.status.start("bfd audit");
    progress.onRequest({ service: "Linear" });
    h.status.write("text\n");
    progress.stop();
    h.status.stopAll();
    expect(h.out()).toBe("text\n");
    expect(h.ticking()).toBe(false);
  });
});
