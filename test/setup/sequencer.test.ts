import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { HEAVIEST } from "./sequencer.js";

describe("the order test files start in", () => {
  it("names only test files that exist, each once: a renamed file would silently lose its early start", () => {
    expect(HEAVIEST.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
    expect(new Set(HEAVIEST).size).toBe(HEAVIEST.length);
  });
});
