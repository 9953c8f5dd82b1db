import { designReference } from "../../../src/checks/design-reference.js";
import { checkCases } from "../../helpers/check-cases.js";
import { changed, withMr } from "../../helpers/work-item.js";

const OPTIONS = {
  ifChanged: ["db/migrate/**", "infra/**", "api/openapi.yaml"],
  designPattern: "/(adr|decisions|design)/",
  designPaths: ["docs/adr/**"],
};

checkCases(designReference, {
  pass: [
    {
      name: "a migration changed and the MR links the ADR",
      item: withMr({
        changes: [changed("db/migrate/20261120_add_events.rb")],
        description: "Follows [ADR 0031](https://wiki.acme.example/adr/0031-events-table).",
      }),
      options: OPTIONS,
      message: /^The MR links https:\/\/wiki\.acme\.example\/adr\/0031-events-table$/,
    },
    {
      name: "infrastructure changed and the MR adds an ADR",
      item: withMr({ changes: [changed("infra/queue.tf"), changed("docs/adr/0032-queue.md", { added: true })] }),
      options: OPTIONS,
      message: /^The MR changes docs\/adr\/0032-queue\.md$/,
    },
  ],
  fail: [
    {
      name: "the public API schema changed with no design reference (the message names the path)",
      item: withMr({ changes: [changed("api/openapi.yaml")], description: "Adds a field." }),
      options: OPTIONS,
      message: /^api\/openapi\.yaml changed, and the MR neither links an ADR or design nor changes one$/,
    },
    {
      name: "the only link's text says ADR but its URL is no design (text never counts)",
      item: withMr({ changes: [changed("infra/dns.tf")], description: "See [the ADR](https://example.com/x)." }),
      options: OPTIONS,
    },
    {
      name: "the MR deletes the ADR it touches",
      item: withMr({ changes: [changed("infra/dns.tf"), changed("docs/adr/0001.md", { deleted: true })] }),
      options: OPTIONS,
    },
  ],
  skipped: [
    {
      name: "no architecture-relevant path changed",
      item: withMr({ changes: [changed("src/ui/Button.tsx")] }),
      options: OPTIONS,
      message: /^No architecture-relevant path changed$/,
    },
  ],
});
