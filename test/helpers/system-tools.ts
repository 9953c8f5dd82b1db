import { spawnSync } from "node:child_process";

/**
 * Tests that need a tool beyond node and bash (zsh, fish, script) skip with a message when it is missing on a
 * developer's machine — unless BFD_REQUIRE_SYSTEM_TOOLS=1 (bfd's CI sets it), which turns the skip into a failure.
 */
export function needTool(tool: string, probe: string[], skip: (note: string) => void): void {
  if (spawnSync(tool, probe).status === 0) return;
  if (process.env.BFD_REQUIRE_SYSTEM_TOOLS === "1")
    throw new Error(`${tool} is not installed, and BFD_REQUIRE_SYSTEM_TOOLS=1 requires it`);
  skip(`${tool} is not installed (install it, or set BFD_REQUIRE_SYSTEM_TOOLS=1 to make this a failure)`);
}
