import {
  FieldConditionSchema,
  describeCondition,
  evaluateFieldCondition,
  validateCondition,
  type FieldCondition,
} from "../work-item/condition.js";
import { evidenceForPath, getPath } from "../work-item/paths.js";
import { defineCheck, fail, pass } from "./types.js";

const Options = FieldConditionSchema;

/** Generic check for custom rules: any WorkItem field equals / is in / matches / contains / exists / has a minimum length. */
export const field = defineCheck({
  id: "field",
  description:
    "Generic: a WorkItem field (dotted path) equals, is in, matches (RE2), contains, exists or has a minimum length.",
  options: Options,
  hint: "Make {{condition}} true.",
  hintData: ["condition", "value"],
  needs: (o) => evidenceForPath(o.field),
  validate: (o) => validateCondition(o as FieldCondition).map((p) => `${p.path.join(".")}: ${p.message}`),
  run: (item, o) => {
    const condition = o as FieldCondition;
    const raw = getPath(item, condition.field);
    const value = raw === undefined ? "(absent)" : JSON.stringify(raw);
    const shown = value.length > 120 ? `${value.slice(0, 117)}…` : value;
    const data = { condition: describeCondition(condition), value: shown };
    if (evaluateFieldCondition(item, condition))
      return pass(`${describeCondition(condition)}`, [`${condition.field}: ${shown}`], data);
    return fail(`Expected ${describeCondition(condition)}; found ${shown}`, [`${condition.field}: ${shown}`], data);
  },
});
