#!/usr/bin/env node
// Browser figures of the lab page (prints them; asserts nothing):
//   - size of web/dist/klab_web.wasm (and .js): raw and gzip -9 (node zlib)
//   - time to first frame: navigation start → window.klabFirstFrameMs (set by web/klab.js when the
//     C++ side has drawn its first frame), median of N fresh loads, each in a new browser context
//     (empty HTTP and compiled-code caches)
//   - for every demo of the catalogue (window.klabDemos), over ~S seconds with the mouse moving
//     (input keeps the lab drawing): frames drawn per second, and the C++ milliseconds per drawn
//     frame, split into the lab's UI code with ImGui (window.klabUiMs) and the whole C++ frame with
//     its WebGL calls (window.klabCppMs; synchronous WebGL calls wait for the software GPU process)
//   - idle: frames drawn in 2 s with nothing moving (the lab pauses its main loop: 0 expected)
//   - the gridworld editor (mdp.planning) on a 30 × 30 grid, over ~S seconds of brush strokes across
//     the canvas: the same three figures, paused and while the planners play, and the default
//     mdp.planning (editor closed) under the same strokes as the baseline (--editor-only: just this)
// Headless Chromium renders WebGL2 in software (SwiftShader) on the CPU, so the FPS figures are a
// lower bound of what a browser with a GPU reaches.
//
//   node bench/web_metrics.mjs [--loads N] [--seconds S] [--width W --height H] [--editor-only]
// Needs web/dist/klab_web.{js,wasm} and `npm ci` in tests/e2e (playwright-core, no browser download).
import { spawn } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "tests/e2e/package.json"));
const { chromium } = require("playwright-core");

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  if (i < 0) return def;
  const v = Number(args[i + 1]);
  if (!Number.isFinite(v) || v <= 0) {
    console.error(`web_metrics: ${name} needs a positive number`);
    process.exit(2);
  }
  return v;
};
const LOADS = opt("--loads", 5), SECONDS = opt("--seconds", 5);
const EDITOR_ONLY = args.includes("--editor-only");
const VIEW = { width: opt("--width", 1280), height: opt("--height", 800) };
const CHROMIUM = process.env.KLAB_CHROMIUM || "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                       "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"];

const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : 0.5 * (s[m - 1] + s[m]);
};

function startServer() {
  const server = spawn(process.execPath, [path.join(root, "scripts/serve.mjs"), "--root", root, "--port", "0"],
                       { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    server.stdout.on("data", (d) => {
      out += d;
      const m = /http:\/\/[\w.:-]+\//.exec(out);
      if (m) resolve({ server, url: m[0] });
    });
    server.on("exit", (code) => reject(new Error(`scripts/serve.mjs exited (${code})`)));
  });
}

async function main() {
  const dist = path.join(root, "web/dist");
  for (const f of ["klab_web.wasm", "klab_web.js"])
    if (!fs.existsSync(path.join(dist, f))) throw new Error(`web/dist/${f} is missing: build the lab (cmake --build --preset wasm)`);
  console.log(`KL Lab web metrics — ${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} × ${os.cpus()[0].model.trim()}, ` +
              `load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}, node ${process.version}`);

  console.log("\nsize (gzip -9 by node zlib)");
  for (const f of ["klab_web.wasm", "klab_web.js"]) {
    const data = fs.readFileSync(path.join(dist, f));
    const gz = zlib.gzipSync(data, { level: 9 });
    console.log(`  ${f.padEnd(14)} raw ${kib(data.length).padStart(11)} (${data.length} B)   gzip ${kib(gz.length).padStart(10)} (${gz.length} B)`);
  }

  const { server, url } = await startServer();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    if (!EDITOR_ONLY) await pageMetrics(browser, url);
    await editorMetrics(browser, url);
  } finally {
    await browser.close();
    server.kill();
  }
}

// The gridworld editor on a 30 × 30 grid (a wall ring with gaps, a hazard row): brush strokes back
// and forth over the canvas (each stroke ends in an edit that re-solves the world), paused and playing.
async function editorMetrics(browser, url) {
  const rows = [];
  for (let r = 0; r < 30; ++r) {
    let row = "";
    for (let c = 0; c < 30; ++c) row += r === 0 && c === 0 ? "S" : r === 29 && c === 29 ? "G" : (r === 10 && c % 7 !== 3) || (c === 20 && r % 9 !== 4) ? "#" : r === 15 && c < 12 ? "H" : ".";
    rows.push(row);
  }
  const grid = JSON.stringify({ format: "klab.gridworld", version: 1, grid: rows });
  const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url + "#mdp.planning?grid=" + encodeURIComponent(grid), { waitUntil: "load" });
  await page.waitForFunction(() => window.klabReady === true, null, { timeout: 60000 });
  await page.waitForTimeout(1000);
  await page.evaluate(() => { window.klabInspect = true; });
  await page.mouse.move(VIEW.width - 60, VIEW.height - 60);
  await page.waitForTimeout(300);
  const canvas = (await page.evaluate(() => window.klabPlots || [])).find((p) => p.id === "world_editor");
  await page.evaluate(() => { window.klabInspect = false; });
  if (!canvas) throw new Error("no world_editor plot on mdp.planning with a grid in the link");
  const [x0, y0, x1, y1] = canvas.area;
  const counters = () => page.evaluate(() => ({ frames: window.klabFrames, ui: window.klabUiMs, cpp: window.klabCppMs, t: performance.now() }));
  console.log(`\nthe gridworld editor, mdp.planning on a 30 × 30 grid, ${VIEW.width}×${VIEW.height}, brush strokes for ${SECONDS} s`);
  console.log(`  ${"state".padEnd(32)} ${"FPS".padStart(6)} ${"UI ms/frame".padStart(12)} ${"C++ ms/frame".padStart(13)}   strokes`);
  // The baseline: the same strokes over the default mdp.planning (a random MDP, the editor closed),
  // in the same page and browser.
  const stateRows = [["editor open, paused", false, null], ["editor open, playing", true, null],
                     ["baseline: editor closed, paused", false, "#mdp.planning"]];
  for (const [label, play, hash] of stateRows) {
    if (hash) {
      await page.evaluate((h) => { location.hash = h; }, hash);
      await page.waitForTimeout(1500);
    }
    const playing = await page.evaluate(() => window.klabState && window.klabState.playing);
    if (playing !== play) {
      await page.keyboard.down("Space");
      await page.waitForTimeout(100);
      await page.keyboard.up("Space");
    }
    const a = await counters();
    const t0 = Date.now();
    let strokes = 0;
    while (Date.now() - t0 < SECONDS * 1000) {  // a stroke across row k, brush "wall" (the default)
      const y = y0 + (y1 - y0) * ((3 + 4 * (strokes % 6)) + 0.5) / 30;
      await page.mouse.move(x0 + 2, y);
      await page.mouse.down();
      for (let i = 1; i <= 10; ++i) {
        await page.mouse.move(x0 + 2 + (x1 - x0 - 4) * i / 10, y);
        await page.waitForTimeout(16);
      }
      await page.mouse.up();
      ++strokes;
      if ((await page.evaluate(() => window.klabState.playing)) !== play) {  // an edit restarts (and plays) the run
        await page.keyboard.down("Space");
        await page.waitForTimeout(50);
        await page.keyboard.up("Space");
      }
    }
    const b = await counters();
    const n = Math.max(1, b.frames - a.frames);
    console.log(`  ${label.padEnd(32)} ${((1000 * (b.frames - a.frames)) / (b.t - a.t)).toFixed(1).padStart(6)} ` +
                `${((b.ui - a.ui) / n).toFixed(1).padStart(12)} ${((b.cpp - a.cpp) / n).toFixed(1).padStart(13)}   ${strokes}`);
  }
  await context.close();
}

async function pageMetrics(browser, url) {
  {
    console.log(`\ntime to first frame (navigation start → first frame drawn; ${LOADS} fresh loads, ${VIEW.width}×${VIEW.height}, ${browser.version()})`);
    const firsts = [];
    for (let i = 0; i < LOADS; ++i) {
      const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "load" });
      await page.waitForFunction(() => window.klabReady === true, null, { timeout: 60000 });
      firsts.push(await page.evaluate(() => window.klabFirstFrameMs));
      await context.close();
    }
    console.log(`  median ${median(firsts).toFixed(0)} ms   (loads: ${firsts.map((x) => x.toFixed(0)).join(", ")} ms)`);

    console.log(`\nevery demo over ${SECONDS} s with the mouse moving, ${VIEW.width}×${VIEW.height} (WebGL2 in software: FPS is a lower bound)`);
    console.log(`  ${"demo".padEnd(28)} ${"FPS".padStart(6)} ${"UI ms/frame".padStart(12)} ${"C++ ms/frame".padStart(13)}   idle frames in 2 s`);
    const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.klabReady === true, null, { timeout: 60000 });
    const ids = await page.evaluate(() => window.klabDemos);
    const counters = () => page.evaluate(() => ({ frames: window.klabFrames, ui: window.klabUiMs, cpp: window.klabCppMs, t: performance.now() }));
    for (const id of ids) {
      await page.evaluate((h) => { location.hash = h; }, "#" + id);
      await page.waitForFunction((id) => location.hash.startsWith("#" + id + "?") && /&runs=\d+$/.test(location.hash), id,
                                 { timeout: 10000 });
      await page.waitForTimeout(1000);  // settle (first layout, landscapes)
      const a = await counters();
      const t0 = Date.now();
      for (let i = 0; Date.now() - t0 < SECONDS * 1000; ++i) {
        await page.mouse.move(VIEW.width - 60 + (i % 2) * 20, VIEW.height - 60);  // over the controls' empty part
        await page.waitForTimeout(30);
      }
      const b = await counters();
      const n = Math.max(1, b.frames - a.frames);
      // Idle: pause what plays, let the input settle, then count frames over 2 s.
      const playing = await page.evaluate(() => window.klabState && window.klabState.playing);
      if (playing) {
        await page.keyboard.down("Space");
        await page.waitForTimeout(100);
        await page.keyboard.up("Space");
      }
      await page.waitForTimeout(2500);
      const i0 = await counters();
      await page.waitForTimeout(2000);
      const i1 = await counters();
      console.log(`  ${id.padEnd(28)} ${((1000 * (b.frames - a.frames)) / (b.t - a.t)).toFixed(1).padStart(6)} ${((b.ui - a.ui) / n).toFixed(1).padStart(12)} ` +
                  `${((b.cpp - a.cpp) / n).toFixed(1).padStart(13)}   ${i1.frames - i0.frames}`);
    }
    await context.close();
    console.log("\nnote: headless Chromium draws WebGL2 with SwiftShader on the CPU (no GPU here), and the lab shares the\n" +
                "      CPU with the software rasteriser, so these FPS figures are lower bounds for a GPU-backed browser\n" +
                "      (compare --width 640 --height 400: a quarter of the pixels, several times the FPS).");
  }
}

main().catch((e) => {
  console.error("web_metrics: " + (e.stack || e));
  process.exit(1);
});
