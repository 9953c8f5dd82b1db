/**
 * What JSON.parse does not say about a JSON text: where a value stands (its line) and whether an object repeats a
 * key (JSON.parse keeps the last one silently). For snapshot files, which bfd validates like its config: every
 * problem with file:line (#22). One pass over the text, no recursion (nesting depth costs no stack).
 */

export interface JsonScan {
  /** The first repeated key: its line and the path of the object that repeats it. */
  duplicate: { key: string; line: number; path: string } | null;
  /** The line each wanted path's value starts on. */
  lines: Map<string, number>;
}

/** A value's path as `jsonPath` writes it: `/mergeRequest/changes/0/newPath`; the root is "". */
export function jsonPath(segments: readonly PropertyKey[]): string {
  return segments.map((segment) => `/${String(segment)}`).join("");
}

interface Frame {
  array: boolean;
  path: string;
  keys: Set<string>;
  index: number;
  key: string | null;
  expectingKey: boolean;
}

/** Scans text that JSON.parse accepted. `wanted`: the paths whose lines the caller needs. */
export function scanJson(text: string, wanted: ReadonlySet<string> = new Set()): JsonScan {
  const lines = new Map<string, number>();
  const stack: Frame[] = [];
  let duplicate: JsonScan["duplicate"] = null;
  let line = 1;
  const valuePath = (): string => {
    const frame = stack[stack.length - 1];
    if (frame === undefined) return "";
    return `${frame.path}/${frame.array ? String(frame.index) : (frame.key ?? "")}`;
  };
  const valueStarts = (): string => {
    const path = valuePath();
    if (wanted.has(path) && !lines.has(path)) lines.set(path, line);
    return path;
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (c === "\n") {
      line += 1;
    } else if (c === '"') {
      const end = closingQuote(text, i + 1);
      const frame = stack[stack.length - 1];
      if (frame !== undefined && !frame.array && frame.expectingKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (frame.keys.has(key)) duplicate ??= { key, line, path: frame.path };
        frame.keys.add(key);
        frame.key = key;
        frame.expectingKey = false;
      } else {
        valueStarts();
      }
      i = end;
    } else if (c === "{" || c === "[") {
      const path = valueStarts();
      stack.push({ array: c === "[", path, keys: new Set(), index: 0, key: null, expectingKey: c === "{" });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === ",") {
      const frame = stack[stack.length - 1]!;
      if (frame.array) frame.index += 1;
      else frame.expectingKey = true;
    } else if (/[-0-9tfn]/.test(c)) {
      valueStarts();
      while (i + 1 < text.length && /[^\s,\]}]/.test(text[i + 1]!)) i += 1;
    }
  }
  return { duplicate, lines };
}

/**
 * Where the string that starts before `from` ends: the next quote not escaped (after an even run of backslashes).
 * Found with indexOf, not a loop over every character: a snapshot's description may be a megabyte long.
 */
function closingQuote(text: string, from: number): number {
  for (let at = text.indexOf('"', from); ; at = text.indexOf('"', at + 1)) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return at;
  }
}
