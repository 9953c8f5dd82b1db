import { safeUrl } from "./markdown-escape.js";
import { stripTerminalControls } from "./sanitize.js";

/**
 * Whether a terminal shows OSC-8 hyperlinks. The rules are those of the `supports-hyperlinks` package
 * (github.com/chalk/supports-hyperlinks, index.js), read from the environment passed in rather than from
 * process.env and argv: FORCE_HYPERLINK decides first (0 = off); no colour means no links; then the
 * terminals known to render them. An unknown terminal gets plain URLs, which every terminal can show.
 */
export function hyperlinksSupported(
  env: Readonly<Record<string, string | undefined>>,
  stream: { isTTY: boolean; colorLevel: number; platform: string },
): boolean {
  const force = env.FORCE_HYPERLINK;
  if (force !== undefined && force !== "") return Number.parseInt(force, 10) !== 0;
  if (stream.colorLevel === 0 || !stream.isTTY) return false;
  if (env.WT_SESSION !== undefined) return true;
  if (stream.platform === "win32") return false;
  if (env.CI !== undefined || env.TEAMCITY_VERSION !== undefined) return false;
  const version = parseVersion(env.TERM_PROGRAM_VERSION ?? "");
  switch (env.TERM_PROGRAM) {
    case "iTerm.app":
      return version.major === 3 ? version.minor >= 1 : version.major > 3;
    case "WezTerm":
      return /^0-unstable-\d{4}-\d{2}-\d{2}$/.test(env.TERM_PROGRAM_VERSION ?? "")
        ? env.TERM_PROGRAM_VERSION!.slice("0-unstable-".length) >= "2020-06-20"
        : version.major >= 20200620;
    case "vscode":
      return env.CURSOR_TRACE_ID !== undefined || version.major > 1 || (version.major === 1 && version.minor >= 72);
    case "ghostty":
    case "zed":
      return true;
  }
  if (env.VTE_VERSION !== undefined && env.VTE_VERSION !== "") {
    // VTE 0.50.0 announced hyperlinks but crashes on them.
    if (env.VTE_VERSION === "0.50.0") return false;
    const vte = parseVersion(env.VTE_VERSION);
    return vte.major > 0 || vte.minor >= 50;
  }
  return env.TERM === "alacritty" || env.TERM === "xterm-kitty";
}

/** `4601` → 0.46.1 (how VTE_VERSION is written), `3.4.19` → 3.4.19. */
function parseVersion(text: string): { major: number; minor: number } {
  const compact = /^(\d{1,2})(\d{2})$/.exec(text);
  if (compact !== null) return { major: 0, minor: Number(compact[1]) };
  const [major = 0, minor = 0] = text.split(".").map((n) => Number.parseInt(n, 10) || 0);
  return { major, minor };
}

/**
 * A short label that opens `url` where the terminal supports OSC-8 links; the plain label otherwise (the
 * caller prints the URL itself then). Only http(s) URLs without quotes or spaces become links, so text from
 * Linear or GitLab can never smuggle an escape sequence in through the link target.
 */
export function terminalLink(label: string, url: string | null | undefined, enabled: boolean): string {
  const target = !enabled || url === null || url === undefined ? null : safeUrl(stripTerminalControls(url));
  return target === null ? label : `\u001b]8;;${target}\u001b\\${label}\u001b]8;;\u001b\\`;
}

/** Columns a line takes on screen: escape sequences (colour, links) take none. Wide characters count as one. */
export function visibleWidth(text: string): number {
  return [...stripTerminalControls(text)].length;
}

/**
 * Wraps each line to `columns` at spaces, never inside a word — so a URL or a path is never broken, and
 * overflows instead when it is longer than the line. Continuation lines keep the line's indent, plus two
 * when the line starts with a one-character marker (`✖ `, `→ `), so text stays aligned under itself.
 * `columns` undefined: lines are left as they are (output that is not a terminal is never wrapped).
 */
export function wrapLines(lines: readonly string[], columns: number | undefined): string[] {
  if (columns === undefined) return [...lines];
  return lines.flatMap((line) => wrapLine(line, columns));
}

export function wrapLine(line: string, columns: number, hangingIndent?: number): string[] {
  if (visibleWidth(line) <= columns) return [line];
  const indent = /^ */.exec(line)![0].length;
  const body = line.slice(indent);
  const marker = /^\S \S/u.test(stripTerminalControls(body)) ? 2 : 0;
  const hang = hangingIndent !== undefined && hangingIndent < columns - 20 ? hangingIndent : indent + marker;
  const out: string[] = [];
  let current = " ".repeat(indent);
  let width = indent;
  let empty = true;
  // The spaces between words are kept as they are (a table's padding) except where the line breaks.
  for (const [, spaces, word] of body.matchAll(/( *)([^ ]+)/g)) {
    const w = visibleWidth(word!);
    const gap = empty ? 0 : spaces!.length;
    if (!empty && width + gap + w > columns) {
      out.push(current);
      current = " ".repeat(hang) + word!;
      width = hang + w;
    } else {
      current += (empty ? "" : spaces!) + word!;
      width += gap + w;
    }
    empty = false;
  }
  out.push(current);
  return out;
}
