import { describe, expect, it } from "vitest";
import { isPlaceholderText, NO_EXTRA_PLACEHOLDERS, placeholderVocabulary } from "../../src/markdown/placeholder.js";

describe("isPlaceholderText: the one placeholder vocabulary (#22)", () => {
  it.each<[string, string]>([
    ["an empty text", ""],
    ["invisible characters only", "\u200B\u00A0"],
    ["TBD", "TBD"],
    ["TBA with a full stop", "TBA."],
    ["WIP", "WIP"],
    ["fullwidth TBD", "\uFF34\uFF22\uFF24"],
    ["TBD split by a zero-width space", "TB\u200BD"],
    ["TODO with what is to come", "TODO: write the spec"],
    ["WIP with a note", "WIP (design)"],
    ["N/A", "n/a"],
    ["to be defined with someone", "To be defined with design"],
    ["to be decided in brackets", "to be decided (with legal)"],
    ["will be confirmed", "Will be confirmed later"],
    ["a numbered criterion slot", "Criterion 1"],
    ["an AC slot with a colon", "AC 2:"],
    ["lorem ipsum", "Lorem ipsum dolor sit amet, consectetur adipiscing elit."],
    ["punctuation", "…"],
    ["an x", "x"],
    ["a template slot", "<ISSUE-KEY>"],
    ["a label with a slot", "Issue: <ISSUE-KEY>"],
    ["a label with nothing after it", "Unit tests:"],
    ["several empty labels", "Unit tests:\nManual testing:\nStaging:"],
    ["a line of TBD per label", "TBD\nTBD"],
    ["Other", "Other"],
    ["not tested", "Not tested yet"],
    ["a boolean written as text", "false"],
    ["NaN", "NaN"],
  ])("is a placeholder: %s", (_what, text) => {
    expect(isPlaceholderText(text)).toBe(true);
  });

  it.each<[string, string]>([
    ["a statement", "Logins are audited"],
    ["a label with what follows", "Unit tests: 42 passed"],
    ["a line of text among empty labels", "Unit tests:\nRan the e2e suite on staging"],
    ["a criterion about placeholders", "Replace lorem ipsum in the footer"],
    ["a sentence that starts like a promise", "To be shown to admins only"],
    ["a numbered criterion with content", "Criterion 1: the export finishes"],
    ["a short word", "a"],
    ["a link label with text", "See [the runbook](https://example.com)"],
  ])("is no placeholder: %s", (_what, text) => {
    expect(isPlaceholderText(text)).toBe(false);
  });
});

describe("placeholderVocabulary: the team's own words (evidence.placeholders in bfd.config.yaml)", () => {
  const french = placeholderVocabulary(["À définir", "TBD-ish", "  "]);

  it.each<[string, string, boolean]>([
    ["the word as written", "À définir", true],
    ["another case, a no-break space and a zero-width space", "à\u00A0DÉFI\u200BNIR", true],
    ["with a full stop", "à définir.", true],
    ["announcing what is to come", "À définir: avec le design", true],
    ["in brackets", "TBD-ish (v2)", true],
    ["fullwidth", "\uFF34\uFF22\uFF24-ish", true],
    ["a line of each", "À définir\nTBD-ish", true],
    ["a built-in word still", "TBD", true],
    ["a sentence that starts with the word", "À définir les droits des admins est fait", false],
    ["a sentence that holds the word", "Les droits sont à définir", false],
    ["another spelling (accents are kept)", "a definir", false],
  ])("%s: %s → %s", (_what, text, expected) => {
    expect(isPlaceholderText(text, french)).toBe(expected);
  });

  it("adds nothing when the team gives no words (the built-in vocabulary only)", () => {
    expect(placeholderVocabulary([" ", ""])).toBe(NO_EXTRA_PLACEHOLDERS);
    expect(isPlaceholderText("À définir")).toBe(false);
  });
});
