import { describe, expect, it } from "vitest";
import {
  asciiIdentifiers,
  asciiIdentifierText,
  compareIdentifiers,
  foldText,
  isSuspiciousText,
  normalizeText,
  skeleton,
} from "../../src/text/normalize.js";

describe("normalizeText and foldText", () => {
  it.each([
    ["fullwidth letters and digits", "ＥＮＧ－１２", "ENG-12", "eng-12"],
    ["a zero-width joiner inside a word", "Accep\u200Dtance criteria", "Acceptance criteria", "acceptance criteria"],
    ["a bidi override", "\u202EAcceptance\u202C criteria", "Acceptance criteria", "acceptance criteria"],
    ["a non-breaking hyphen", "ENG\u20111", "ENG\u20101", "eng-1"],
    ["no-break and ideographic spaces", "How\u00A0\u3000tested ", "How tested", "how tested"],
    ["a variation selector", "Done\uFE0F", "Done", "done"],
    ["plain text", "Plain text", "Plain text", "plain text"],
    // ASCII that is not already in its normal form takes the full path, not the plain-ASCII shortcut.
    ["ASCII with a tab and a double space", "How\ttested  here", "How tested here", "how tested here"],
    ["ASCII with spaces at its ends", "  Done \n", "Done", "done"],
    ["ASCII with a control character", "Do\u0007ne", "Do\u0007ne", "do\u0007ne"],
    ["empty", "", "", ""],
  ])("%s", (_name, input, normalized, folded) => {
    expect(normalizeText(input)).toBe(normalized);
    expect(foldText(input)).toBe(folded);
  });
});

describe("the plain-ASCII shortcut", () => {
  // Every printable-ASCII text normalises as the full path does (NFKC, format characters, spaces, trim).
  it("gives what the full normalisation gives, for every short ASCII text", () => {
    const alphabet = [" ", "\t", "a", "Z", "-", ":", "~", "!", "\n"];
    const texts = [""];
    for (let length = 1; length <= 4; length += 1)
      for (const prefix of texts.filter((t) => t.length === length - 1))
        for (const ch of alphabet) texts.push(prefix + ch);
    for (const text of texts) expect(normalizeText(text)).toBe(text.normalize("NFKC").replace(/\s+/g, " ").trim());
  });
});

describe("compareIdentifiers", () => {
  it.each([
    ["the same key in another case", "eng-12", "ENG-12", "same"],
    ["fullwidth digits", "ENG-１２", "ENG-12", "same"],
    ["a non-breaking hyphen", "ENG\u201112", "ENG-12", "same"],
    ["a Cyrillic Е", "\u0415NG-12", "ENG-12", "confusable"],
    ["a Cyrillic а in a label", "no-rele\u0430se-notes", "no-release-notes", "confusable"],
    ["a zero-width space", "ENG-\u200B12", "ENG-12", "same"],
    ["another number", "ENG-13", "ENG-12", "different"],
    ["another team", "ENH-12", "ENG-12", "different"],
  ])("%s", (_name, a, b, expected) => {
    expect(compareIdentifiers(a, b)).toBe(expected);
  });

  it("gives look-alikes one skeleton and different words different ones", () => {
    expect(skeleton("p\u0430ypal")).toBe(skeleton("paypal"));
    expect(skeleton("criteria")).not.toBe(skeleton("criterion"));
  });
});

describe("asciiIdentifiers", () => {
  it.each([
    ["Cyrillic letters in a key", "Closes \u0415NG-1\u0030", "Closes ENG-10", true],
    ["fullwidth digits (NFKC, not suspicious)", "ENG-１２", "ENG-12", false],
    ["a non-breaking hyphen", "ENG\u201112", "ENG-12", false],
    ["plain ASCII", "Fixes ENG-7", "Fixes ENG-7", false],
  ])("%s", (_name, input, text, suspicious) => {
    const result = asciiIdentifiers(input);
    expect(result.text).toBe(text);
    expect(result.suspicious).toBe(suspicious);
  });

  it("turns no Cyrillic prose into an issue key", () => {
    expect(asciiIdentifiers("Готово, см. задачу").text).not.toMatch(/[A-Za-z]{1,10}-\d/);
  });
});

describe("asciiIdentifierText", () => {
  it.each([
    ["plain ASCII, returned as it is", "Fixes ENG-7", "Fixes ENG-7", [6, 11], "ENG-7", false, false],
    ["a Cyrillic Е in a key", "Closes \u0415NG-12", "Closes ENG-12", [7, 13], "\u0415NG-12", true, false],
    [
      "fullwidth digits, mapped back to what was written",
      "ENG-\uFF11\uFF12 x",
      "ENG-12 x",
      [0, 6],
      "ENG-\uFF11\uFF12",
      false,
      false,
    ],
    ["a zero-width space inside the key", "ENG\u200B-12", "ENG-12", [0, 6], "ENG\u200B-12", false, true],
    ["a zero-width space before the key is not inside it", "\u200BENG-12", "ENG-12", [0, 6], "ENG-12", false, false],
    ["a non-breaking hyphen", "ENG\u201112", "ENG-12", [0, 6], "ENG\u201112", false, false],
    ["spaces kept where they are (not collapsed)", "a\u00A0\u00A0ENG-1", "a  ENG-1", [3, 8], "ENG-1", false, false],
    ["a Cyrillic letter outside the span", "\u0415 ENG-1", "E ENG-1", [2, 7], "ENG-1", false, false],
  ])("%s", (_name, input, text, [start, end], written, lookalike, invisible) => {
    const result = asciiIdentifierText(input);
    expect(result.text).toBe(text);
    expect(result.original(start!, end!)).toEqual({ written, lookalike, invisible });
  });

  it("gives the text asciiIdentifiers gives, but for spaces", () => {
    for (const input of ["Closes \u0415NG-1\u0030", "ENG-１２", "ENG\u201112", "Готово, см. задачу"]) {
      expect(asciiIdentifierText(input).text).toBe(asciiIdentifiers(input).text);
      expect(asciiIdentifierText(input).suspicious).toBe(asciiIdentifiers(input).suspicious);
    }
  });
});

describe("isSuspiciousText", () => {
  it.each([
    ["a bidi override", "Acceptance\u202E criteria", true],
    ["a Cyrillic letter", "Acc\u0435ptance criteria", true],
    ["fullwidth digits", "ENG-１２", true],
    ["plain text", "Acceptance criteria", false],
    ["accented Latin", "Critères d'acceptation", false],
  ])("%s", (_name, input, expected) => {
    expect(isSuspiciousText(input)).toBe(expected);
  });
});
