#!/usr/bin/env node
// Browser figures of the lab page (prints them; asserts nothing):
//   - size of web/dist/klab_web.wasm (and .js): raw and gzip -9 (node zlib)
//   - time to first frame: navigation start → window.klabFirstFrameMs (set by web/klab.js when the
//     C++ side has drawn its first frame), median of N fresh loads, each in a new browser context
//     (empty HTTP and compiled-code caches)
//   - frames per second of each kl demo: requestAnimationFrame callbacks counted in the page over
//     ~5 s (the lab draws one frame per callback); kl.forward_reverse also while its fit animates;
//     with the main thread's time per frame inside the callbacks: the lab's C++ frame and its WebGL
//     calls, including the waits of synchronous WebGL calls on the (software) GPU process
// Headless Chromium renders WebGL2 in software (SwiftShader) on the CPU, so the FPS figures are a
// lower bound of what a browser with a GPU reaches.
//
//   node bench/web_metrics.mjs [--loads N] [--seconds S] [--width W --height H]
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

// Installed before the page's scripts: times every requestAnimationFrame callback (the lab's
// frame: C++ UI code and WebGL calls; SwiftShader rasterises in the GPU process, and synchronous
// WebGL calls wait for it).
function timeCallbacks() {
  const raf = window.requestAnimationFrame.bind(window);
  window.klabCallbackMs = 0;
  window.requestAnimationFrame = (cb) => raf((t) => {
    const t0 = performance.now();
    cb(t);
    window.klabCallbackMs += performance.now() - t0;
  });
}

// Over `seconds`: frames per second (rAF callbacks counted in the page) and the main thread's
// milliseconds per frame spent in callbacks.
const measureFrames = (page, seconds) => page.evaluate((ms) => new Promise((resolve) => {
  let n = 0;
  const t0 = performance.now(), busy0 = window.klabCallbackMs;
  const tick = (t) => {
    if (t - t0 >= ms) resolve({ fps: (1000 * n) / (t - t0), busyMs: (window.klabCallbackMs - busy0) / Math.max(1, n) });
    else ++n, requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}), seconds * 1000);

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

    console.log(`\nframes per second over ${SECONDS} s (requestAnimationFrame callbacks; WebGL2 in software: a lower bound)`);
    const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.addInitScript(timeCallbacks);
    await page.goto(url, { waitUntil: "load" });
    await page.waitForFunction(() => window.klabReady === true, null, { timeout: 60000 });
    await page.mouse.move(VIEW.width - 10, VIEW.height - 60);  // hover nothing
    const demos = [
      { label: "kl.bernoulli", hash: "#kl.bernoulli" },
      { label: "kl.forward_reverse (paused)", hash: "#kl.forward_reverse" },
      // A long fit so it is still animating at the end of the window (it animates 4 steps a frame).
      { label: "kl.forward_reverse (playing)", hash: "#kl.forward_reverse?steps=100000", play: true },
      { label: "kl.categorical", hash: "#kl.categorical" },
    ];
    for (const d of demos) {
      await page.evaluate((h) => { location.hash = h; }, d.hash);
      // The app has applied the link once it rewrote it in canonical form ("#<demo>?...&runs=N").
      const prefix = d.hash.split("?")[0] + "?", part = d.hash.split("?")[1] || "";
      await page.waitForFunction(([prefix, part]) => location.hash.startsWith(prefix) && location.hash.includes(part) &&
                                 /&runs=\d+$/.test(location.hash), [prefix, part], { timeout: 10000 });
      if (d.play) {
        await page.keyboard.down("Space");  // held across frames: ImGui 1.86 samples key state per frame
        await page.waitForTimeout(300);
        await page.keyboard.up("Space");
      }
      await page.waitForTimeout(1000);  // settle (first layout, landscape computation)
      const m = await measureFrames(page, SECONDS);
      console.log(`  ${d.label.padEnd(30)} ${m.fps.toFixed(1).padStart(6)} FPS   ${m.busyMs.toFixed(1).padStart(6)} ms/frame in the frame callback`);
      if (d.play) {
        await page.keyboard.down("Space");
        await page.waitForTimeout(300);
        await page.keyboard.up("Space");
      }
    }
    await context.close();
    console.log("\nnote: headless Chromium draws WebGL2 with SwiftShader on the CPU (no GPU here), and the lab shares the\n" +
                "      CPU with the software rasteriser, so these FPS figures are lower bounds for a GPU-backed browser\n" +
                "      (compare --width 640 --height 400: a quarter of the pixels, several times the FPS).");
  } finally {
    await browser.close();
    server.kill();
  }
}

main().catch((e) => {
  console.error("web_metrics: " + (e.stack || e));
  process.exit(1);
});
