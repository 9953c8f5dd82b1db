import { describe, expect, it } from "vitest";
import { findIssueKeys, findKeysInBranch, keyFromReference, magicReferences } from "../../src/work-item/issue-keys.js";

describe("findIssueKeys", () => {
  it.each<[string, string, string[]]>([
    ["finds a bare key", "Depends on ENG-7.", ["ENG-7"]],
    ["upper-cases lower-case keys and drops leading zeros", "see eng-007", ["ENG-7"]],
    ["keeps the order and drops repeats", "OPS-2, ENG-1 then OPS-2 again", ["OPS-2", "ENG-1"]],
    ["reads the key of a Linear issue URL", "https://linear.app/acme/issue/ENG-7/add-audit", ["ENG-7"]],
    [
      "ignores key-like words in a Linear URL's slug",
      "https://linear.app/acme/issue/ENG-7/upgrade-to-node-20",
      ["ENG-7"],
    ],
    [
      "ignores key-like words in a Linear URL's query or anchor",
      "https://linear.app/acme/issue/ENG-7#comment-1234",
      ["ENG-7"],
    ],
    [
      "reads a Linear URL inside a Markdown link, and the text after it",
      "[ENG-7](https://linear.app/acme/issue/ENG-7/node-20) and OPS-1",
      ["ENG-7", "OPS-1"],
    ],
    ["ignores keys glued to a digit before or a letter after", "1ENG-7 ENG-7x ENG-7_ok", ["ENG-7"]],
    ["accepts team keys with digits after the first letter", "P2P-5", ["P2P-5"]],
    ["ignores team keys that start with a digit or are too long", "2FA-1 ABCDEFGHIJK-1", []],
    ["finds nothing in plain text", "No issues here - 12", []],
  ])("%s", (_what, text, keys) => {
    expect(findIssueKeys(text)).toEqual(keys);
  });
});

describe("findKeysInBranch", () => {
  it.each<[string, string[]]>([
    ["jdoe/eng-123-add-login", ["ENG-123"]],
    ["ENG-123", ["ENG-123"]],
    ["feature/ENG-123_login", ["ENG-123"]],
    ["eng-123-and-ops-7", ["ENG-123", "OPS-7"]],
    ["jdoe/eng-1234-foo", ["ENG-1234"]],
    ["feature-41", []],
    ["release-2.3", []],
    ["hotfix-7-eng-9", ["ENG-9"]],
    ["fix/utf-8-eng-42", ["ENG-42"]],
    ["fix-typo", []],
    ["main", []],
  ])("reads %s as %j", (branch, keys) => {
    expect(findKeysInBranch(branch)).toEqual(keys);
  });
});

describe("magicReferences", () => {
  const ref = (key: string, word: string, closing: boolean) => ({ key, word, closing });
  it.each<[string, string, ReturnType<typeof ref>[]]>([
    ["reads a closing word", "Closes ENG-123", [ref("ENG-123", "closes", true)]],
    ["reads a linking word, which does not close", "Part of ENG-124", [ref("ENG-124", "part of", false)]],
    ["reads a multi-word linking phrase across a line break", "Related\nto ENG-5", [ref("ENG-5", "related to", false)]],
    ["lower-cases the word and upper-cases the key", "FIXES: eng-9", [ref("ENG-9", "fixes", true)]],
    [
      "reads a list joined by commas",
      "Closes ENG-1, ENG-2",
      [ref("ENG-1", "closes", true), ref("ENG-2", "closes", true)],
    ],
    [
      "reads a list joined by and",
      "Closes ENG-1 and ENG-2",
      [ref("ENG-1", "closes", true), ref("ENG-2", "closes", true)],
    ],
    [
      "reads a list with an Oxford comma",
      "Closes ENG-1, ENG-2, and ENG-3",
      ["ENG-1", "ENG-2", "ENG-3"].map((k) => ref(k, "closes", true)),
    ],
    ["reads a Linear URL", "Fixes https://linear.app/acme/issue/ENG-3/x", [ref("ENG-3", "fixes", true)]],
    [
      "reads a list of Linear URLs",
      "Fixes https://linear.app/acme/issue/ENG-3/a, https://linear.app/acme/issue/ENG-4/b",
      [ref("ENG-3", "fixes", true), ref("ENG-4", "fixes", true)],
    ],
    [
      "ignores key-like words in a Linear URL's slug",
      "Fixes https://linear.app/acme/issue/ENG-3/upgrade-to-node-20",
      [ref("ENG-3", "fixes", true)],
    ],
    [
      "reads each magic word on its own",
      "Closes ENG-1. Refs ENG-2.",
      [ref("ENG-1", "closes", true), ref("ENG-2", "refs", false)],
    ],
    ["ignores a bare key with no magic word", "Implements the plan in ENG-123's spec? No: see ENG-123.", []],
    [
      "does not take implement(s) for a magic word (Linear's docs do not list it)",
      "Implements ENG-1, implemented ENG-2",
      [],
    ],
    ["does not take 'relates to' for a magic word", "Relates to ENG-1", []],
    [
      "reads every linking phrase Linear documents",
      "Ref ENG-1. References ENG-2. Contributes to ENG-3. Towards ENG-4. Completing ENG-5.",
      [
        ref("ENG-1", "ref", false),
        ref("ENG-2", "references", false),
        ref("ENG-3", "contributes to", false),
        ref("ENG-4", "towards", false),
        ref("ENG-5", "completing", true),
      ],
    ],
    ["ignores a magic word that is part of another word", "Unfixes ENG-1 and enclosed ENG-2", []],
    ["ignores text after the list", "Closes ENG-1 so ENG-2 can start", [ref("ENG-1", "closes", true)]],
  ])("%s", (_what, text, refs) => {
    expect(magicReferences(text)).toEqual(refs);
  });
});

describe("keyFromReference", () => {
  it.each<[string, string | null]>([
    ["ENG-123", "ENG-123"],
    [" eng-12 ", "ENG-12"],
    ["https://linear.app/acme/issue/ENG-123", "ENG-123"],
    ["https://linear.app/acme/issue/ENG-123/add-login?x=1", "ENG-123"],
    ["ENG-12 and more", null],
    ["https://example.com/issue/ENG-123", null],
    ["123", null],
    ["", null],
  ])("reads %j as %j", (input, key) => {
    expect(keyFromReference(input)).toBe(key);
  });
});
