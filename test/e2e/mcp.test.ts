/**
 * `bfd mcp` through the MCP SDK's own client over stdio, against the built CLI and the loopback fakes: what an
 * agent client sees — the tools with truthful annotations, structured reports that match the report schema, tool
 * errors with bfd's one-line messages, and writes refused without --allow-writes.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReportSchema } from "../../src/report/schema.js";
import { FAKE_TOKEN, startFakeGitLab, type FakeGitLab } from "../fakes/gitlab.js";
import { FAKE_LINEAR_API_KEY, startFakeLinear, type FakeLinear } from "../fakes/linear.js";
import { BIN, tempDir } from "../helpers/cli.js";
import { deliveryWorlds, PROJECT_PATH } from "../helpers/delivery-world.js";

const worlds = deliveryWorlds([
  { n: 500 },
  { n: 501, mr: { state: "merged", mergedAt: "2026-11-30T09:00:00.000Z" } },
  // Someone pasted the team's GitLab token into an issue title: it must not come back in a tool result.
  { n: 502, title: `Rotate ${FAKE_TOKEN} before release`, mr: null },
]);
let gitlab: FakeGitLab;
let linear: FakeLinear;
let workDir: string;
const clients: Client[] = [];
/** One server for the read-only calls: starting one per test costs a process each. */
let shared: { client: Client; stderr: () => string };

beforeAll(async () => {
  gitlab = await startFakeGitLab(worlds.gitlab);
  linear = await startFakeLinear(worlds.linear(gitlab.url));
  workDir = tempDir("bfd-mcp-");
  writeFileSync(join(workDir, "bfd.config.yaml"), `gitlab:\n  project: ${PROJECT_PATH}\n`);
  shared = await connect();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all([gitlab.close(), linear.close()]);
});

async function connect(args: string[] = []): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, "mcp", ...args],
    cwd: workDir,
    env: {
      PATH: process.env.PATH ?? "",
      NO_COLOR: "1",
      LINEAR_API_KEY: FAKE_LINEAR_API_KEY,
      LINEAR_API_URL: linear.url,
      GITLAB_URL: gitlab.url,
      GITLAB_TOKEN: FAKE_TOKEN,
    },
    stderr: "pipe",
  });
  let stderr = "";
  transport.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: "bfd-test", version: "1.0.0" });
  await client.connect(transport);
  clients.push(client);
  return { client, stderr: () => stderr };
}

const text = (result: unknown): string =>
  (((result as { content?: unknown }).content ?? []) as { type: string; text?: string }[])
    .map((c) => c.text ?? "")
    .join("\n");

describe("bfd mcp", () => {
  it("lists its tools with annotations that say what they do", async () => {
    const { client } = shared;
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual([
      "bfd_done",
      "bfd_explain",
      "bfd_handoff_post",
      "bfd_handoff_preview",
      "bfd_ready",
      "bfd_staging",
    ]);
    for (const name of ["bfd_ready", "bfd_done", "bfd_explain", "bfd_staging", "bfd_handoff_preview"]) {
      expect(byName.get(name)?.annotations, name).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    }
    // Posting again edits bfd's one handoff comment in place: the same call twice leaves the issue as once.
    expect(byName.get("bfd_handoff_post")?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
    });
    expect(byName.get("bfd_done")?.outputSchema?.properties).toHaveProperty("verdict");
  });

  it("runs the Done gate and returns the report as structured content that matches the report schema", async () => {
    const { client } = shared;
    const result = await client.callTool({
      name: "bfd_done",
      arguments: { issue: "ENG-500", mr: `${gitlab.url}/${PROJECT_PATH}/-/merge_requests/500` },
    });
    expect(result.isError).not.toBe(true);
    const report = ReportSchema.parse(result.structuredContent);
    expect(report).toMatchObject({ gate: "done", issue: { identifier: "ENG-500" } });
    expect(text(result)).toContain("ENG-500");
    expect(JSON.stringify(result)).not.toContain(FAKE_TOKEN);
    expect(JSON.stringify(result)).not.toContain(FAKE_LINEAR_API_KEY);
  });

  it("never returns a token, even one pasted into an issue", async () => {
    const { client } = shared;
    const result = await client.callTool({ name: "bfd_ready", arguments: { issue: "ENG-502" } });
    expect(JSON.stringify(result)).not.toContain(FAKE_TOKEN);
    expect(JSON.stringify(result)).toContain("[REDACTED]");
  });

  it("runs the Ready gate the same way", async () => {
    const { client } = shared;
    const result = await client.callTool({ name: "bfd_ready", arguments: { issue: "ENG-500" } });
    expect(ReportSchema.parse(result.structuredContent).gate).toBe("ready");
  });

  it("answers an unknown issue with a tool error carrying bfd's one-line message and exit-code meaning", async () => {
    const { client } = shared;
    const result = await client.callTool({ name: "bfd_ready", arguments: { issue: "ENG-9999" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^bfd: ENG-9999 was not found in Linear/);
    expect(text(result)).toContain("(exit 2: usage, config, input or setup error (a rejected token included))");
  });

  it("refuses input that is not an issue key before asking Linear", async () => {
    const { client } = shared;
    const before = linear.requestCount();
    const result = await client.callTool({ name: "bfd_ready", arguments: { issue: "not a key" } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("is not a Linear issue key");
    expect(linear.requestCount()).toBe(before);
  });

  it("explains a rule with the sentence of the process it enforces", async () => {
    const { client } = shared;
    const result = await client.callTool({ name: "bfd_explain", arguments: { rule: "acceptance-criteria-met" } });
    expect(text(result)).toContain("acceptance criteria or completion rules are met");
  });

  it("shows the staging window as structured content", async () => {
    const { client } = shared;
    const lists = (): number =>
      gitlab.requestCount((r) => r.method === "GET" && /\/merge_requests$/.test(r.path) && r.query.state === "merged");
    const before = lists();
    const result = await client.callTool({ name: "bfd_staging", arguments: {} });
    expect(result.isError, text(result)).not.toBe(true);
    expect(result.structuredContent).toMatchObject({ schemaVersion: 1, window: { start: expect.any(String) } });
    // The JSON contract and the text are two renderings of one collection: GitLab's merged MRs are listed once.
    expect(lists() - before).toBe(1);
    expect(text(result)).not.toBe("");
  });

  it("previews the handoff note, and refuses to post it without --allow-writes", async () => {
    const { client } = shared;
    const preview = await client.callTool({
      name: "bfd_handoff_preview",
      arguments: { issue: "ENG-500", state: "in-review" },
    });
    expect(text(preview)).toContain("ENG-500");
    const comments = linear.world.comments.length;
    const refused = await client.callTool({
      name: "bfd_handoff_post",
      arguments: { issue: "ENG-500", state: "in-review" },
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("--allow-writes");
    expect(linear.world.comments.length).toBe(comments);
  });

  it("posts the handoff note when started with --allow-writes", async () => {
    const { client } = await connect(["--allow-writes"]);
    const comments = linear.world.comments.length;
    const posted = await client.callTool({
      name: "bfd_handoff_post",
      arguments: { issue: "ENG-500", state: "in-review" },
    });
    expect(posted.isError, text(posted)).not.toBe(true);
    expect(linear.world.comments.length).toBe(comments + 1);
  });

  it("offers the delivery process and the rules in force as resources", async () => {
    const { client } = shared;
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(["bfd://process", "bfd://rules"]);
    const process = await client.readResource({ uri: "bfd://process" });
    expect(JSON.stringify(process.contents)).toContain("Ready To Pick Up");
    const rules = await client.readResource({ uri: "bfd://rules" });
    const parsed = JSON.parse((rules.contents[0] as { text: string }).text) as {
      config: unknown;
      rules: { id: string }[];
    };
    expect(parsed.config).toBe("bfd.config.yaml");
    expect(parsed.rules.map((r) => r.id)).toContain("acceptance-criteria-met");
  });

  it("keeps stdout for the protocol: its own log line goes to stderr", async () => {
    const { client, stderr } = shared;
    await client.listTools();
    expect(stderr()).toContain("bfd mcp: serving on stdio");
  });
});
