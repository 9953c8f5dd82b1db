/**
 * `npm test` ends with one line saying which system tools it ran without, which tests that skipped, and how to install
 * them (#24): a developer's machine may lack them (their tests then skip, each with its own note), CI never does
 * (.ci/run installs them and sets BFD_REQUIRE_SYSTEM_TOOLS=1, which turns such a skip into a failure).
 */
import { spawnSync } from "node:child_process";

interface Tool {
  /** The Debian package that brings it. */
  pkg: string;
  command: string;
  probe: string[];
  /** Which tests skip without it. */
  tests: string;
}

const TOOLS: Tool[] = [
  { pkg: "redis-server", command: "redis-server", probe: ["--version"], tests: "bfd serve on Redis" },
  { pkg: "chromium", command: "/usr/bin/chromium", probe: ["--version"], tests: "the board in a browser" },
  { pkg: "zsh", command: "zsh", probe: ["-c", "exit 0"], tests: "zsh completion" },
  { pkg: "fish", command: "fish", probe: ["-c", "exit 0"], tests: "fish completion" },
  {
    pkg: "bsdutils",
    command: "script",
    probe: ["-qec", "true", "/dev/null"],
    tests: "the progress line in a terminal",
  },
  { pkg: "prometheus", command: "promtool", probe: ["--version"], tests: "bfd serve's /metrics under promtool" },
  { pkg: "libxml2-utils", command: "xmllint", probe: ["--version"], tests: "the JUnit report against junit-10.xsd" },
];

export default function setup(): () => void {
  const missing = TOOLS.filter((tool) => spawnSync(tool.command, tool.probe, { stdio: "ignore" }).status !== 0);
  return () => {
    if (missing.length === 0 || process.env.BFD_REQUIRE_SYSTEM_TOOLS === "1") return;
    const names = missing.map((t) => `${t.tests} (no ${t.command.replace(/^.*\//, "")})`).join(", ");
    console.log(
      `\nSkipped, for want of system tools: ${names}. Install them: apt-get install -y ${missing.map((t) => t.pkg).join(" ")}`,
    );
  };
}
