import { jsonText } from "../json.js";
import type { Reporter } from "../types.js";
import type { RuleDocs } from "./types.js";

/** `bfd rules list --format json`: one object per rule in force. */
export const renderRuleList: Reporter<RuleDocs> = ({ rules }) =>
  jsonText(
    rules.map((r) => ({
      id: r.id,
      gate: r.gate,
      severity: r.severity,
      title: r.title,
      check: r.kind.id,
      waivable: r.waivable,
      location: r.location,
    })),
  );
