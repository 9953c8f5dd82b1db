/**
 * `bfd board` as a user meets it: the built CLI against both fakes writes the page, and headless Chromium (Debian's
 * package, driven by playwright-core) opens it from disk. One CLI run and one browser for the whole file; each test
 * opens its own page, answers every request other than the file itself with a failure (and records it), and
 * records console errors and dialogs — none may happen. Screenshots go to test-results/board/.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir, type CliResult } from "../helpers/cli.js";
import { needTool } from "../helpers/system-tools.js";
import { HOSTILE_MR_TITLE, HOSTILE_TITLE, startBoardWorld, type BoardWorld } from "./board-world.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-results", "board");
const hasChromium = spawnSync(CHROMIUM, ["--version"]).status === 0;
const needChromium = (skip: (note: string) => void): void => {
  if (!hasChromium) needTool(CHROMIUM, ["--version"], skip);
};

const dir = tempDir("bfd-board-");
/** The CLI runs here without -o: the page is bfd-board.html in this folder. */
const out = join(dir, "out");
const file = join(out, "bfd-board.html");
let world: BoardWorld;
let run: CliResult;
let browser: Browser | null = null;
let linearRequests = 0;

beforeAll(async () => {
  world = await startBoardWorld(dir, { hostile: true });
  mkdirSync(out);
  // --all: the world's started issues (ENG-190, the issues of the MRs in review) stay on the page, so one page shows
  // every kind of row; the default (not-started states only) is tested in test/e2e/process-commands.test.ts.
  run = await runCli(["board", "--config", world.config, "--all"], { cwd: out, env: world.env, timeoutMs: 60_000 });
  linearRequests = world.linear.requestCount();
  mkdirSync(ARTIFACTS, { recursive: true });
  // The folder ignores itself: artifacts never end up in a commit.
  writeFileSync(join(ROOT, "test-results", ".gitignore"), "*\n");
  if (hasChromium)
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      // Playwright gives each launch a fresh, temporary profile (its own --user-data-dir).
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await world?.close();
});

interface Opened {
  page: Page;
  /** Console errors, page errors, dialogs and requests other than the page itself: all must stay empty. */
  trouble: string[];
}

async function open(width: number): Promise<Opened> {
  const context = await browser!.newContext({ viewport: { width, height: 900 } });
  const page = await context.newPage();
  const trouble: string[] = [];
  const self = pathToFileURL(file).href;
  await context.route("**/*", (route) => {
    if (route.request().url() === self) return route.continue();
    trouble.push(`request ${route.request().url()}`);
    return route.abort();
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") trouble.push(`console ${message.text()}`);
  });
  page.on("pageerror", (error) => trouble.push(`page error ${error.message}`));
  page.on("dialog", (dialog) => {
    trouble.push(`dialog ${dialog.message()}`);
    void dialog.dismiss();
  });
  await page.goto(self);
  return { page, trouble };
}

const rowKeys = (page: Page): Promise<string[]> =>
  page.$$eval("#heat tbody tr:not([hidden]) th a.key", (links) => links.map((a) => a.textContent ?? ""));

describe("bfd board on the fakes' world", () => {
  it("writes one small self-contained page from one run, to bfd-board.html without -o, and says where", () => {
    expect(run.stderr).toMatch(/^bfd board: wrote bfd-board\.html \(\d+ KB\); open it in a browser\n$/);
    expect(run.stdout).toBe("");
    expect(run.code).toBe(0);
    const page = readFileSync(file, "utf8");
    expect(Buffer.byteLength(page)).toBeLessThan(64 * 1024);
    // Nothing to fetch: no stylesheet, script, image, font or frame from anywhere.
    expect(page).not.toMatch(/<(link|img|iframe|object|embed|base)\b|@import|url\(/i);
    expect(page).toContain('<html lang="en">');
    expect(page).toContain("Content-Security-Policy");
    // The audit's one listing (paged), not a request per issue.
    expect(linearRequests).toBeLessThan(20);
  });

  it("refuses a filter that names nothing in the workspace (exit 2) and writes no page (#24)", async () => {
    const elsewhere = tempDir("bfd-board-typo-");
    const typo = await runCli(["board", "--config", world.config, "--team", "ENGG", "-o", "board.html"], {
      cwd: elsewhere,
      env: world.env,
      timeoutMs: 60_000,
    });
    expect(typo.stderr).toContain('bfd: no team "ENGG" in this workspace. Did you mean "ENG"?');
    expect(typo.code).toBe(2);
    expect(existsSync(join(elsewhere, "board.html"))).toBe(false);
  });

  it("escapes titles made of markup, in the HTML and in the inlined JSON", () => {
    const page = readFileSync(file, "utf8");
    expect(page).not.toContain("<script>alert(1)");
    expect(page).not.toContain("<b>bold</b>");
    expect(page).not.toContain('<img src=x onerror="alert(2)">');
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quotes&quot; &amp; &lt;b&gt;bold&lt;/b&gt;");
    const json = /<script type="application\/json" id="board-data">([^<]*)<\/script>/.exec(page);
    expect(json).not.toBeNull();
    expect(json![1]).toContain("\\u003ci\\u003ex\\u003c/i\\u003e");
  });
});

describe("bfd board in Chromium", () => {
  it("shows the three sections, the header counts, and every issue and MR linked", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    expect(await page.$$eval("h2", (hs) => hs.map((h) => h.textContent))).toEqual([
      "Backlog readiness",
      "Release window",
      "In review",
    ]);
    const stats = await page.$$eval(".stats li", (items) => items.map((li) => li.textContent));
    expect(stats).toEqual([
      "11 of 13backlog issues not ready",
      "2ready",
      "2 of 4merged MRs to validate in staging",
      "3 of 4open MRs not done",
      "1open MRs done",
    ]);
    expect(await page.textContent(".run")).toMatch(
      /^Built by bfd board at \d{4}-\d\d-\d\d \d\d:\d\d \+0[12]:00 \(Europe\/Berlin\)$/,
    );
    expect(await page.textContent("dl.config")).toContain("bfd.config.yaml");
    // Linear issues link to Linear, MRs to GitLab.
    expect(await page.getAttribute("#heat a.key >> text=ENG-201", "href")).toMatch(
      /^https:\/\/linear\.app\/acme\/issue\/ENG-201\//,
    );
    const mrLinks = await page.$$eval("#review tbody th a", (as) => as.map((a) => a.getAttribute("href")));
    expect(mrLinks).toHaveLength(4);
    for (const href of mrLinks)
      expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/acme\/web\/-\/merge_requests\/3[1-4]$/);
    // The release window: a timeline in the configured zone and each staging state once.
    expect(await page.textContent("#tl-summary")).toMatch(/Europe\/Berlin/);
    const states = await page.$$eval("#release tbody tr", (rows) =>
      rows.map((r) => [r.querySelector("th")?.textContent, r.querySelector(".badge")?.textContent?.trim()]),
    );
    expect(states).toEqual([
      ["acme/web!41", "✔ validated"],
      ["acme/web!42", "✖ deployed, not validated"],
      ["acme/web!43", "✖ stale validation"],
      ["acme/web!44", "○ waiting for the deploy"],
    ]);
    // In review: not done first, the done one last, a draft marked.
    const review = await page.$$eval("#review tbody tr", (rows) =>
      rows.map((r) => r.querySelector("td[data-label='Done verdict']")?.textContent?.trim()),
    );
    expect(review).toEqual(["✖ not done", "✖ not done", "✖ not done", "✔ Done"]);
    expect(await page.textContent("#review")).toContain("validated-in-pipeline");
    await page.screenshot({ path: join(ARTIFACTS, "board-1280.png"), fullPage: true });
    expect(trouble).toEqual([]);
  });

  it("orders the heat map worst first and counts each rule's misses", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    const keys = await rowKeys(page);
    expect(keys).toEqual([
      "ENG-190",
      "ENG-204",
      "ENG-31",
      "ENG-32",
      "ENG-33",
      "ENG-34",
      "ENG-202",
      "ENG-203",
      "ENG-205",
      "ENG-207",
      "ENG-208",
      "ENG-201",
      "ENG-206",
    ]);
    const fails = await page.$$eval("#heat tbody tr", (rows) => rows.map((r) => r.querySelectorAll("td.fail").length));
    expect(fails).toEqual([...fails].sort((a, b) => b - a));
    const counts = await page.$$eval("#backlog h3 + .scroll tbody tr", (rows) =>
      rows.map((r) => [
        r.querySelector("th b")?.textContent,
        ...[...r.querySelectorAll("td.num")].map((td) => Number(td.textContent)),
      ]),
    );
    // rule, fail, error, warning, waived, pass, skipped — the most missed first.
    expect(counts.slice(0, 3)).toEqual([
      ["traceable-to-challenge", 9, 0, 0, 0, 4, 0],
      ["traceable-to-specification", 6, 0, 0, 0, 7, 0],
      ["acceptance-criteria-present", 2, 0, 0, 0, 11, 0],
    ]);
    expect(counts.find((c) => c[0] === "open-questions")).toEqual(["open-questions", 0, 0, 1, 0, 12, 0]);
    // Each column's ✖ in the heat map agrees with its count.
    const columns = await page.$$eval("#heat thead th.rule", (ths) => ths.map((th) => th.textContent));
    for (const [rule, fail] of counts) {
      const column = columns.indexOf(rule as string) + 2;
      expect(await page.$$eval(`#heat tbody td.fail:nth-child(${column})`, (tds) => tds.length)).toBe(fail);
    }
    expect(trouble).toEqual([]);
  });

  it("filters by state and assignee, hiding rows and recounting the rules", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    await page.selectOption("select[name=state]", "Ready");
    expect(await rowKeys(page)).toEqual(["ENG-202", "ENG-203", "ENG-205", "ENG-201"]);
    expect(await page.textContent("#shown")).toBe("4 of 13 issues shown");
    expect(await page.textContent("[data-count='0:fail']")).toBe("1");
    await page.selectOption("select[name=assignee]", "Linus Pauling");
    expect(await rowKeys(page)).toEqual(["ENG-203"]);
    await page.click("form.filters button[type=reset]");
    // Waits through Playwright's selector engine: waitForFunction with a string polls by eval() inside the page,
    // which the board's CSP refuses whenever the reset has not landed by the first check (a fresh-clone run failed so).
    await page.locator("#shown", { hasText: /^13 of 13 issues shown$/ }).waitFor();
    await page.selectOption("select[name=label]", "payments");
    expect(await rowKeys(page)).toEqual(["ENG-202"]);
    expect(trouble).toEqual([]);
  });

  it("reaches a cell with Tab, shows its message and fix on focus, moves with the arrow keys", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    let presses = 0;
    while (!(await page.evaluate<boolean>("document.activeElement?.matches('td.c') ?? false"))) {
      await page.keyboard.press("Tab");
      presses += 1;
      expect(presses).toBeLessThan(40);
    }
    const tip = page.locator("td.c:focus .tip");
    expect(await tip.boundingBox()).toMatchObject({ width: expect.any(Number) as number });
    expect((await tip.boundingBox())!.width).toBeGreaterThan(200);
    expect(await tip.textContent()).toMatch(/^✖ fail · traceable-to-challenge.*Fix: Link the Index Challenge/);
    expect(await page.evaluate<string>("getComputedStyle(document.activeElement).outlineStyle")).toBe("solid");
    await page.keyboard.press("ArrowRight");
    expect(await page.locator("td.c:focus .tip").textContent()).toMatch(/traceable-to-specification/);
    await page.keyboard.press("ArrowDown");
    expect(await page.evaluate<string>("document.activeElement.closest('tr').querySelector('a.key').textContent")).toBe(
      "ENG-204",
    );
    await page.screenshot({ path: join(ARTIFACTS, "board-focus.png") });
    await page.keyboard.press("Escape");
    expect(await page.locator("td.c:focus .tip").isVisible()).toBe(false);
    // One tab stop for the whole grid: Tab leaves it.
    await page.keyboard.press("Tab");
    expect(await page.evaluate<boolean>("document.activeElement.matches('td.c')")).toBe(false);
    expect(trouble).toEqual([]);
  });

  it("renders titles made of markup as text: no dialog, no element made from them", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    const row = page.locator("#heat tbody tr", { hasText: "ENG-208" });
    expect(await row.locator("th").textContent()).toContain(HOSTILE_TITLE);
    expect(await row.locator("th b, th script, th i").count()).toBe(0);
    expect(
      await page.locator("#release tbody tr", { hasText: "acme/web!44" }).locator("td").first().textContent(),
    ).toContain(HOSTILE_MR_TITLE);
    expect(await page.locator("img, [src], [onerror]").count()).toBe(0);
    expect(await page.locator("script").count()).toBe(2);
    expect(trouble).toEqual([]);
  });

  it("fits a narrow window (400 px) without the page scrolling sideways", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(400);
    const widths = await page.evaluate<number[]>("[document.documentElement.scrollWidth, document.body.scrollWidth]");
    expect(Math.max(...widths)).toBeLessThanOrEqual(400);
    await page.screenshot({ path: join(ARTIFACTS, "board-400.png"), fullPage: true });
    expect(trouble).toEqual([]);
  });

  it("prints every row, without the filters", async ({ skip }) => {
    needChromium(skip);
    const { page, trouble } = await open(1280);
    await page.selectOption("select[name=state]", "Ready");
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("#heat tbody tr:visible").count()).toBe(13);
    expect(await page.locator("form.filters").isVisible()).toBe(false);
    expect(await page.locator("nav.toc").isVisible()).toBe(false);
    expect(await page.locator("dl.config").isVisible()).toBe(true);
    expect(trouble).toEqual([]);
  });
});
