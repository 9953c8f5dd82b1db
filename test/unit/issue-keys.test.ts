import { describe, expect, it } from "vitest";
import {
  findBranchKeyMentions,
  findIssueKeyMentions,
  findIssueKeys,
  findKeysInBranch,
  keyFromReference,
  magicReferences,
  type MagicReference,
} from "../../src/work-item/issue-keys.js";

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
    ["reads fullwidth digits as digits", "see ENG-\uFF14\uFF12", ["ENG-42"]],
    ["reads a non-breaking hyphen as a hyphen", "see ENG\u201142", ["ENG-42"]],
    ["reads through a zero-width space", "see ENG-\u200B42", ["ENG-42"]],
    ["reads a Cyrillic look-alike letter as the Latin one", "see \u0415NG-42", ["ENG-42"]],
    ["reads fullwidth letters", "\uFF25\uFF2E\uFF27-1", ["ENG-1"]],
  ])("%s", (_what, text, keys) => {
    expect(findIssueKeys(text)).toEqual(keys);
  });
});

describe("findIssueKeyMentions says which keys were read through a look-alike or invisible character", () => {
  it.each<[string, string, { key: string; suspicious?: string }[]]>([
    ["a plain key", "ENG-12", [{ key: "ENG-12" }]],
    [
      "a Cyrillic Е",
      "\u0415NG-12",
      [{ key: "ENG-12", suspicious: "\u0415NG-12 (with a look-alike character) read as ENG-12" }],
    ],
    [
      "a zero-width space, spelled out",
      "ENG\u200B-12",
      [{ key: "ENG-12", suspicious: "ENG<U+200B>-12 (with an invisible character) read as ENG-12" }],
    ],
    ["fullwidth digits, which NFKC makes plain (not suspicious)", "ENG-\uFF11\uFF12", [{ key: "ENG-12" }]],
    ["a look-alike key also written plainly", "\u0415NG-12 and ENG-12", [{ key: "ENG-12" }]],
  ])("%s", (_what, text, mentions) => {
    expect(findIssueKeyMentions(text)).toEqual(mentions);
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
    ["jdoe/\u0435ng-42-login", ["ENG-42"]],
    ["jdoe/eng\u2011\uFF14\uFF12-login", ["ENG-42"]],
    ["jdoe/eng-4\u200B2-login", ["ENG-42"]],
  ])("reads %s as %j", (branch, keys) => {
    expect(findKeysInBranch(branch)).toEqual(keys);
  });

  it("says a key read through a Cyrillic letter is suspicious", () => {
    expect(findBranchKeyMentions("jdoe/\u0435ng-42-login")).toEqual([
      { key: "ENG-42", suspicious: "\u0435ng-42 (with a look-alike character) read as ENG-42" },
    ]);
  });
});

describe("magicReferences", () => {
  const ref = (key: string, word: string, closing: boolean) => ({ key, word, closing });
  it.each<[string, string, MagicReference[]]>([
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
    [
      "reads a list joined by &",
      "Closes ENG-142 & ENG-150",
      [ref("ENG-142", "closes", true), ref("ENG-150", "closes", true)],
    ],
    [
      "reads a list joined by &, without spaces and with commas",
      "Fixes ENG-1&ENG-2, & ENG-3",
      ["ENG-1", "ENG-2", "ENG-3"].map((k) => ref(k, "fixes", true)),
    ],
    [
      "reads a bullet list below the word",
      "Closes:\n- ENG-1\n- ENG-2\n\nOther text ENG-3",
      [ref("ENG-1", "closes", true), ref("ENG-2", "closes", true)],
    ],
    [
      "reads a bullet list after a blank line, with * and numbered items, text after the key and task boxes",
      "Resolves:\n\n* ENG-1 login page\n2. [ ] ENG-2\n+ [x] `ENG-3`, ENG-4\nnot a list ENG-5",
      ["ENG-1", "ENG-2", "ENG-3", "ENG-4"].map((k) => ref(k, "resolves", true)),
    ],
    [
      "reads keys that are Markdown links, and the issue their URL names",
      "Closes ENG-142, [ENG-150](https://linear.app/acme/issue/ENG-150/x) and [the login bug](https://linear.app/acme/issue/ENG-151)",
      ["ENG-142", "ENG-150", "ENG-151"].map((k) => ref(k, "closes", true)),
    ],
    [
      "reads a key in a code span, in bold and in a reference-style link",
      "Closes `ENG-1`, **ENG-2** and [ENG-3][1]\n\n[1]: https://linear.app/acme/issue/ENG-3",
      ["ENG-1", "ENG-2", "ENG-3"].map((k) => ref(k, "closes", true)),
    ],
    [
      "reads a Linear URL in angle brackets",
      "Fixes <https://linear.app/acme/issue/ENG-3/x>",
      [ref("ENG-3", "fixes", true)],
    ],
    ["reads a key with fullwidth digits", "Closes ENG-\uFF11\uFF15\uFF10", [ref("ENG-150", "closes", true)]],
    [
      "reads a magic word and key with look-alike letters, and says so",
      "\u0421loses \u0415NG-150",
      [{ ...ref("ENG-150", "closes", true), suspicious: "\u0415NG-150 (with a look-alike character) read as ENG-150" }],
    ],
    ["does not read keys a paragraph below the word", "We fixed it.\n\nENG-1 is next", []],
    [
      "does not take 'and' before something else for a list",
      "Closes ENG-1 and fixes the build",
      [ref("ENG-1", "closes", true)],
    ],
  ])("%s", (_what, text, refs) => {
    expect(magicReferences(text)).toEqual(refs);
  });
});

describe("keyFromReference", () => {
  it.each<[string, string | null]>([
    ["ENG-123", "ENG-123"],
    [" eng-12 ", "ENG-12"],
    ["\uFF25NG\u2011\uFF11\uFF12", "ENG-12"],
    ["\u0415NG-12", "ENG-12"],
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
