/**
 * The formats each result type renders to, in one dependency-free module: the command line takes its choices
 * from here without loading a registry, and each registry's `Record` proves every format has a renderer.
 */

/** Every gate report format. */
export const FORMATS = ["pretty", "json", "markdown", "junit", "codequality"] as const;
export type Format = (typeof FORMATS)[number];

export const STAGING_FORMATS = ["pretty", "json", "markdown"] as const;
export type StagingFormat = (typeof STAGING_FORMATS)[number];

export const AUDIT_FORMATS = ["pretty", "json"] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export const HANDOFF_FORMATS = ["markdown", "json"] as const;
export type HandoffFormat = (typeof HANDOFF_FORMATS)[number];

export const RULE_DOC_FORMATS = ["table", "markdown", "json"] as const;
export type RuleDocFormat = (typeof RULE_DOC_FORMATS)[number];
