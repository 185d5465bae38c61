#!/usr/bin/env node
// Browser end-to-end test of the KL Lab page: headless Debian Chromium driven by playwright-core
// against the page served by scripts/serve.mjs (WebGL2 renders in software, SwiftShader).
//
//   node tests/e2e/lab.test.mjs [--screenshots DIR]
//
// Needs web/dist/klab_web.{js,wasm} (the wasm preset build) and `npm ci` in tests/e2e. Prints one
// line per check and exits 0 when all pass, 1 otherwise. It verifies: (a) the page loads and the
// first frame arrives; (b) a screenshot is not blank (PNG decoded here: IHDR, IDAT, inflate,
// unfilter); (c) switching demo through the URL hash and by clicking the sidebar; (d) a parameter
// set through the hash is applied (canonical hash written back, picture and widgets change);
// (e) reload restores the state; (f) no console errors, page errors or failed requests; (g) an
// invalid hash shows the notice (console.warn + banner) and falls back to the defaults; (h) a
// mouse drag in kl.bernoulli's kl plot sets p_hat; (i) Space pauses and resumes kl.forward_reverse's
// animation (the picture moves only while it plays); (j) every demo of the catalogue opens and draws
// at 1280×800, and the first of each chapter on a phone (390×844 at a pixel ratio of 2), screenshots
// of each kept;
// (k) Space toggles play in every demo that plays and says so in the others; (l) an idle page draws
// no frames for 2 s; (m) diffusion.samplers' mixture editor opens from a link with an edited
// mixture and a dragged mean rewrites the link's `mixture` (screenshots at 1280×800 and on a phone);
// (n) mdp.planning's gridworld editor takes an uploaded file (a bad one changes nothing and says why)
// and downloads the world. Plot positions come from the page itself (window.klabPlots, set while
// window.klabInspect is true), the play state from window.klabState.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";

import { chromium } from "playwright-core";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const shotIndex = args.indexOf("--screenshots");
const shotDir = shotIndex >= 0 ? path.resolve(args[shotIndex + 1] || "") : null;
if (shotIndex >= 0 && !args[shotIndex + 1]) {
  console.error("usage: node tests/e2e/lab.test.mjs [--screenshots DIR]");
  process.exit(2);
}
const CHROMIUM = process.env.KLAB_CHROMIUM || "/usr/bin/chromium";
const TOTAL_LIMIT_MS = 420000;  // a hard stop against hangs; the run takes about 3 minutes on 2 idle cores (most of it
                                // the visit of every demo, ~3 s each: the limit grows with the catalogue)

// ---------------------------------------------------------------------------------------------
// The layout the coordinates below are computed from. The page is 1280×800 CSS pixels at device
// pixel ratio 1; the shell (src/ui/app.cpp, theme src/ui/theme.cpp) lays out with a 15 px font,
// FramePadding.y 4, WindowPadding 10, ItemSpacing.y 6:
//   menu bar      y ∈ [0, 23)                      (font 15 + 2·4)
//   sidebar       x ∈ [0, 256)                     (the longest demo title, at most 20% of 1280)
//                 line k (0: the chapter title "Divergences", 1..3: the kl demos in catalogue
//                 order) is centred at y = 23 + 10 + k·(15 + 6) + 7.5
//   centre        x ∈ [256, 960), y ∈ [23, 771)    (the controls take 25% = 320 px on the right,
//                 the status bar the bottom 1.9·15 ≈ 28 px)
//   controls      x ∈ [960, 1280), y ∈ [23, 771)
// Plot areas (kl.bernoulli's q ↦ kl(p̂, q), kl.forward_reverse's landscape) are read from
// window.klabPlots. The drag check asserts p̂ only to ±0.06 of the plot's mapping, and in order.
const VIEW = { width: 1280, height: 800 };
const FONT = 15, MENU_H = FONT + 2 * 4, PAD = 10, ROW = FONT + 6;
const sidebarRowY = (k) => MENU_H + PAD + k * ROW + FONT / 2;
const SIDEBAR_X = 80;
const CENTRE = { x: 256, y: 23, w: 704, h: 748 };
const CONTROLS = { x: 960, y: 23, w: 320, h: 748 };
// kl.forward_reverse: the "component means" text field (first row of the parameters), read off a
// screenshot.
const FR_MEANS_FIELD = { x: 1100, y: 62, w: 168, h: 20 };
const PHONE = { width: 390, height: 844, scale: 2 };
const NEUTRAL = { x: 1120, y: 700 };  // empty part of the controls panel: hovers nothing
const BANNER_RGB = [84, 64, 20];      // the warning banner's background (0.33, 0.25, 0.08)
// The canonical link of each demo lists every parameter, in table order, then seed and runs.
const KEYS = {
  "kl.bernoulli": ["p_hat", "n", "t", "c", "p_true", "samples"],
  "kl.forward_reverse": ["means", "sds", "weights", "steps", "lr", "estimator", "mc_samples", "init", "mu0", "sd0"],
  "kl.categorical": ["p", "q", "alpha"],
};
const DEMOS = Object.keys(KEYS);  // sidebar order

// ---------------------------------------------------------------------------------------------
// PNG decoding (8-bit grey/RGB/RGBA, non-interlaced: what Chromium's screenshots are).
function paeth(a, b, c) {
  const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function decodePng(buf) {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  if (buf.length < 8 || signature.some((v, i) => buf[i] !== v)) throw new Error("not a PNG file");
  let width = 0, height = 0, depth = 0, colorType = -1, interlace = 0;
  const idat = [];
  for (let pos = 8; pos + 8 <= buf.length;) {
    const length = buf.readUInt32BE(pos), type = buf.toString("latin1", pos + 4, pos + 8);
    const data = buf.subarray(pos + 8, pos + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0), height = data.readUInt32BE(4);
      depth = data[8], colorType = data[9], interlace = data[12];
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    pos += 12 + length;  // length, type, data, CRC
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colorType];
  if (!width || !height || depth !== 8 || !channels || interlace !== 0)
    throw new Error(`unsupported PNG (depth ${depth}, colour type ${colorType}, interlace ${interlace})`);
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new Error("PNG image data is truncated");
  const px = Buffer.alloc(height * stride);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)], src = y * (stride + 1) + 1, row = y * stride, prev = row - stride;
    for (let x = 0; x < stride; ++x) {
      const a = x >= channels ? px[row + x - channels] : 0;
      const b = y > 0 ? px[prev + x] : 0;
      const c = x >= channels && y > 0 ? px[prev + x - channels] : 0;
      const v = raw[src + x];
      let out;
      switch (filter) {
        case 0: out = v; break;
        case 1: out = v + a; break;
        case 2: out = v + b; break;
        case 3: out = v + ((a + b) >> 1); break;
        case 4: out = v + paeth(a, b, c); break;
        default: throw new Error(`bad PNG filter type ${filter} in row ${y}`);
      }
      px[row + x] = out & 255;
    }
  }
  // Expand to RGB for the checks below.
  const rgb = Buffer.alloc(width * height * 3);
  for (let i = 0; i < width * height; ++i) {
    const s = i * channels;
    if (channels >= 3) rgb[3 * i] = px[s], rgb[3 * i + 1] = px[s + 1], rgb[3 * i + 2] = px[s + 2];
    else rgb[3 * i] = rgb[3 * i + 1] = rgb[3 * i + 2] = px[s];
  }
  return { width, height, rgb };
}

// Distinct colours and the standard deviation of luminance over the whole image.
function imageStats(img) {
  const colours = new Set();
  let sum = 0, sum2 = 0;
  const n = img.width * img.height;
  for (let i = 0; i < n; ++i) {
    const r = img.rgb[3 * i], g = img.rgb[3 * i + 1], b = img.rgb[3 * i + 2];
    colours.add((r << 16) | (g << 8) | b);
    const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    sum += l, sum2 += l * l;
  }
  const mean = sum / n;
  return { colours: colours.size, mean, sd: Math.sqrt(Math.max(0, sum2 / n - mean * mean)) };
}

// Fraction of the pixels in `rect` whose colour differs (any channel by more than 8) between a and b.
function diffFraction(a, b, rect) {
  let differ = 0;
  for (let y = rect.y; y < rect.y + rect.h; ++y)
    for (let x = rect.x; x < rect.x + rect.w; ++x) {
      const i = 3 * (y * a.width + x);
      if (Math.abs(a.rgb[i] - b.rgb[i]) > 8 || Math.abs(a.rgb[i + 1] - b.rgb[i + 1]) > 8 || Math.abs(a.rgb[i + 2] - b.rgb[i + 2]) > 8)
        ++differ;
    }
  return differ / (rect.w * rect.h);
}

// Pixels in `rect` within ±2 of colour `c`.
function countColour(img, rect, c) {
  let n = 0;
  for (let y = rect.y; y < rect.y + rect.h; ++y)
    for (let x = rect.x; x < rect.x + rect.w; ++x) {
      const i = 3 * (y * img.width + x);
      if (Math.abs(img.rgb[i] - c[0]) <= 2 && Math.abs(img.rgb[i + 1] - c[1]) <= 2 && Math.abs(img.rgb[i + 2] - c[2]) <= 2) ++n;
    }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Reporting.
const results = [];
function report(ok, name, detail) {
  results.push({ ok, name });
  console.log(`${ok ? "ok  " : "FAIL"}  ${name}${detail ? "  —  " + detail : ""}`);
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
// Runs one check and reports it with its duration (what the test command spends where).
async function check(name, body) {
  const t0 = Date.now();
  const took = () => `  [${((Date.now() - t0) / 1000).toFixed(1)} s]`;
  try {
    const detail = await body();
    report(true, name + took(), detail);
    return true;
  } catch (e) {
    report(false, name + took(), e.message.split("\n")[0]);
    return false;
  }
}

const params = (hash) => Object.fromEntries(hash.slice(hash.indexOf("?") + 1).split("&").map((kv) => kv.split("=")));
const demoOf = (hash) => hash.slice(1).split("?")[0];
const isCanonical = (hash) =>
  KEYS[demoOf(hash)] !== undefined && Object.keys(params(hash)).join(",") === [...KEYS[demoOf(hash)], "seed", "runs"].join(",");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
function startServer() {
  const server = spawn(process.execPath, [path.join(root, "scripts/serve.mjs"), "--root", root, "--port", "0"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("scripts/serve.mjs printed no URL within 10 s: " + out)), 10000);
    const onData = (d) => {
      out += d;
      const m = /http:\/\/[\w.:-]+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ server, url: m[0] });
      }
    };
    server.stdout.on("data", onData);
    server.stderr.on("data", (d) => (out += d));
    server.on("exit", (code) => reject(new Error(`scripts/serve.mjs exited (${code}): ${out}`)));
  });
}

async function main() {
  const started = Date.now();
  const wasm = path.join(root, "web/dist/klab_web.wasm");
  if (!fs.existsSync(wasm) || !fs.existsSync(path.join(root, "web/dist/klab_web.js"))) {
    report(false, "web/dist/klab_web.{js,wasm} exist", "build the lab first: cmake --preset wasm && cmake --build --preset wasm");
    return;
  }
  if (shotDir) fs.mkdirSync(shotDir, { recursive: true });
  const { server, url } = await startServer();
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader", "--use-angle=swiftshader"],
  });
  const context = await browser.newContext({ viewport: VIEW, deviceScaleFactor: 1 });

  // Everything the pages say, for (f) and (g).
  const errors = [], warnings = [];
  const watch = (page, label) => {
    page.on("console", (m) => {
      const text = `[${label}] ${m.text()}`;
      if (m.type() === "error") errors.push("console.error " + text);
      else if (m.type() === "warning") warnings.push(text);
    });
    page.on("pageerror", (e) => errors.push(`page error [${label}] ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`request failed [${label}] ${r.url()} ${r.failure()?.errorText}`));
    page.on("response", (r) => { if (r.status() >= 400) errors.push(`HTTP ${r.status()} [${label}] ${r.url()}`); });
    page.on("crash", () => errors.push(`page crashed [${label}]`));
  };

  // `let`: check (j) replaces the page after a demo that breaks it (the helpers below read the binding).
  let page = await context.newPage();
  watch(page, "main");
  const hash = () => page.evaluate(() => location.hash);
  const frames = (n) => page.evaluate((n) => new Promise((r) => {
    let k = 0;
    const f = () => (++k >= n ? r() : requestAnimationFrame(f));
    requestAnimationFrame(f);
  }), n);
  let shotNo = 0;
  const shot = async (name) => {
    const png = await page.screenshot({ type: "png" });
    if (shotDir) fs.writeFileSync(path.join(shotDir, `${String(++shotNo).padStart(2, "0")}-${name}.png`), png);
    return decodePng(png);
  };
  // Waits until the address bar holds the canonical hash of `demo` satisfying `pred`.
  const waitCanonical = async (demo, pred = () => true, timeout = 10000) => {
    const t0 = Date.now();
    let h = "";
    while (Date.now() - t0 < timeout) {
      h = await hash();
      if (demoOf(h) === demo && isCanonical(h) && pred(params(h))) {
        await frames(3);  // the frame that wrote the hash and one more are on screen
        return h;
      }
      await sleep(50);
    }
    throw new Error(`the hash did not become the expected canonical ${demo} link (it is '${h}')`);
  };
  const setHash = (h) => page.evaluate((h) => { location.hash = h; }, h);
  const park = () => page.mouse.move(NEUTRAL.x, NEUTRAL.y);
  const warningsSince = (n) => warnings.slice(n).join(" | ");
  const state = () => page.evaluate(() => window.klabState || {});
  // The data area of the plot drawn with id `id` ([x0, y0, x1, y1] in CSS pixels), from the page.
  // plotRecord: the whole record (area, and the data ranges x, y as [lo, hi, log]).
  const plotRecord = async (id) => {
    await page.evaluate(() => { window.klabInspect = true; });
    await page.mouse.move(NEUTRAL.x + 1, NEUTRAL.y);  // an input event: the lab draws (and records) a frame
    await frames(3);
    const plots = await page.evaluate(() => window.klabPlots || []);
    await page.evaluate(() => { window.klabInspect = false; });
    const p = plots.find((q) => q.id === id);
    if (!p) throw new Error(`no plot '${id}' on screen (plots: ${plots.map((q) => q.id).join(", ")})`);
    return p;
  };
  const plotArea = async (id) => (await plotRecord(id)).area;
  // Presses Space (down and up in different frames: ImGui 1.86 sees a key only if it is down at a frame).
  const space = async () => {
    await page.keyboard.down("Space");
    await frames(3);
    await page.keyboard.up("Space");
    await frames(3);
  };

  let defaultHash = "", defaultImg = null;
  try {
    // (a) load and first frame
    const loaded = await check("(a) the page loads and the first frame arrives within 30 s", async () => {
      const t0 = Date.now();
      await page.goto(url, { waitUntil: "load", timeout: 30000 });
      await page.waitForFunction(() => window.klabReady === true, null, { timeout: 30000 });
      const ms = await page.evaluate(() => window.klabFirstFrameMs);
      defaultHash = await waitCanonical("kl.bernoulli");  // every parameter, then seed and runs
      return `first frame ${ms.toFixed(0)} ms after navigation start (${Date.now() - t0} ms wall); hash ${defaultHash}`;
    });
    if (!loaded) return;
    await park();
    await frames(3);

    // (b) not blank
    await check("(b) the screenshot is not blank", async () => {
      defaultImg = await shot("bernoulli-default");
      expect(defaultImg.width === VIEW.width && defaultImg.height === VIEW.height, `screenshot is ${defaultImg.width}×${defaultImg.height}`);
      const s = imageStats(defaultImg);
      expect(s.colours >= 1000, `only ${s.colours} distinct colours`);
      expect(s.sd >= 15, `luminance standard deviation only ${s.sd.toFixed(1)}`);
      expect(countColour(defaultImg, CENTRE, BANNER_RGB) < 50, "a warning banner is showing on a clean load");
      return `${s.colours} distinct colours, luminance mean ${s.mean.toFixed(1)} sd ${s.sd.toFixed(1)}`;
    });

    // (h) mouse: press in the kl plot at q = 0.2, drag to q = 0.8
    await check("(h) dragging in kl.bernoulli's kl plot sets p_hat", async () => {
      const [x0, y0, x1, y1] = await plotArea("geometry");
      const qx = (q) => x0 + q * (x1 - x0), y = 0.5 * (y0 + y1);
      await page.mouse.move(qx(0.2), y);
      await frames(2);
      await page.mouse.down();
      const h1 = await waitCanonical("kl.bernoulli", (p) => Math.abs(p.p_hat - 0.2) < 0.06);
      await page.mouse.move(qx(0.8), y, { steps: 8 });
      await frames(2);
      const h2 = await waitCanonical("kl.bernoulli", (p) => Math.abs(p.p_hat - 0.8) < 0.06);
      await page.mouse.up();
      await park();
      const p1 = params(h1).p_hat, p2 = params(h2).p_hat;
      expect(+p1 < +p2, `p_hat did not follow the drag (${p1} then ${p2})`);
      expect(p1.length <= 5 && p2.length <= 5, `dragged values are not rounded to the range (${p1}, ${p2})`);
      await shot("bernoulli-dragged");
      return `press at q≈0.2 → p_hat=${p1}, drag to q≈0.8 → p_hat=${p2}`;
    });

    // (c) switch demo by hash, then by clicking the sidebar
    let categoricalImg = null;
    await check("(c1) setting location.hash switches to kl.categorical", async () => {
      await setHash("#kl.categorical");
      const h = await waitCanonical("kl.categorical");
      await park();
      categoricalImg = await shot("categorical-by-hash");
      const d = diffFraction(defaultImg, categoricalImg, CENTRE);
      expect(d > 0.05, `the centre changed in only ${(100 * d).toFixed(2)}% of its pixels`);
      return `${h.slice(0, 60)}…; centre changed in ${(100 * d).toFixed(1)}% of pixels`;
    });
    await check("(c2) clicking 'Forward vs reverse KL' in the sidebar switches demo", async () => {
      const y = sidebarRowY(1 + DEMOS.indexOf("kl.forward_reverse"));
      await page.mouse.move(SIDEBAR_X, y);
      await frames(2);
      await page.mouse.down();
      await frames(2);
      await page.mouse.up();
      const h = await waitCanonical("kl.forward_reverse");
      await park();
      await frames(2);
      const img = await shot("forward-reverse-by-click");
      const d = diffFraction(categoricalImg, img, CENTRE);
      expect(d > 0.05, `the centre changed in only ${(100 * d).toFixed(2)}% of its pixels`);
      return `clicked (${SIDEBAR_X}, ${y}) → ${h.slice(0, 50)}…; centre changed in ${(100 * d).toFixed(1)}% of pixels`;
    });

    // (i) Space pauses and resumes kl.forward_reverse (a new run plays at once)
    await check("(i) Space pauses kl.forward_reverse's animation (and Space again resumes it)", async () => {
      expect(demoOf(await hash()) === "kl.forward_reverse", "not on kl.forward_reverse");
      await page.evaluate(() => { location.hash = location.hash.replace(/steps=\d+/, "steps=5000"); });
      await waitCanonical("kl.forward_reverse", (p) => p.steps === "5000");
      await park();
      expect((await state()).playing === true, "the new run does not play by itself");
      await space();
      expect((await state()).playing === false, "Space did not pause");
      await sleep(2200);  // the "Paused" notice fades out over 1.8 s
      const still0 = await shot("fr-paused-1");
      await sleep(600);
      const still1 = await shot("fr-paused-2");
      const idle = diffFraction(still0, still1, CENTRE);
      expect(idle < 0.001, `the picture moves while paused (${(100 * idle).toFixed(2)}%)`);
      const hashBefore = await hash();
      await space();
      expect((await state()).playing === true, "Space did not resume");
      await sleep(800);
      const run0 = await shot("fr-playing-1");
      // 1.6 s: the run moves a fraction of a percent of the centre per second (the Playing notice,
      // which added to the difference when it was drawn over the plots, now sits over the status bar)
      await sleep(1600);
      const run1 = await shot("fr-playing-2");
      const moved = diffFraction(run0, run1, CENTRE), fromStill = diffFraction(still1, run0, CENTRE);
      expect(fromStill > 0.002 && moved > 0.002,
             `the picture did not change while playing (${(100 * fromStill).toFixed(2)}%, then ${(100 * moved).toFixed(2)}%)`);
      expect((await hash()) === hashBefore, "playing changed the link");
      await space();
      return `still while paused; centre changed ${(100 * fromStill).toFixed(1)}% after Space and ${(100 * moved).toFixed(1)}% over the next 1.6 s`;
    });

    // (d) parameters through the hash
    let beforeReload = "", beforeReloadImg = null;
    await check("(d1) a kl.bernoulli hash with p_hat, n, seed, runs is applied", async () => {
      await setHash("#kl.bernoulli?p_hat=0.85&n=50&seed=42&runs=123");
      const h = await waitCanonical("kl.bernoulli", (p) => p.p_hat === "0.85");
      const p = params(h), d = params(defaultHash);
      expect(p.n === "50" && p.seed === "42" && p.runs === "123", `canonical hash ${h}`);
      for (const k of ["t", "c", "p_true", "samples"]) expect(p[k] === d[k], `${k} is ${p[k]}, the default is ${d[k]}`);
      await park();
      await sleep(2200);  // the notice of the Space check before fades out (1.8 s): not part of the state
      await frames(2);
      const img = await shot("bernoulli-p085");
      const dc = diffFraction(defaultImg, img, CENTRE), dp = diffFraction(defaultImg, img, CONTROLS);
      expect(dc > 0.02, `the plots changed in only ${(100 * dc).toFixed(2)}% of the centre`);
      expect(dp > 0.001, `the parameter widgets did not change (${(100 * dp).toFixed(3)}%)`);
      beforeReload = h;
      beforeReloadImg = img;
      return `${h}; centre ${(100 * dc).toFixed(1)}%, controls ${(100 * dp).toFixed(1)}% of pixels changed`;
    });
    await check("(d2) two successive kl.forward_reverse hashes are each applied (view and widgets)", async () => {
      await setHash("#kl.forward_reverse?means=-4,1&steps=100");
      await waitCanonical("kl.forward_reverse", (p) => p.means === "-4,1" && p.steps === "100");
      await park();
      await frames(2);
      const a = await shot("fr-means-a");
      await setHash("#kl.forward_reverse?means=3,6&steps=300");
      const h = await waitCanonical("kl.forward_reverse", (p) => p.means === "3,6" && p.steps === "300");
      await frames(2);
      const b = await shot("fr-means-b");
      // The landscape is cached by the view and the means field's text by the panel: both must
      // be rebuilt for the second link.
      const [lx0, ly0, lx1, ly1] = await plotArea("landscape");
      const landscape = { x: Math.round(lx0) + 2, y: Math.round(ly0) + 2, w: Math.round(lx1 - lx0) - 4, h: Math.round(ly1 - ly0) - 4 };
      const dl = diffFraction(a, b, landscape), dm = diffFraction(a, b, FR_MEANS_FIELD);
      expect(dl > 0.1, `the KL landscape still shows the first link (${(100 * dl).toFixed(2)}% changed)`);
      expect(dm > 0.01, `the 'component means' field still shows the first link (${(100 * dm).toFixed(2)}% changed)`);
      return `${h.slice(0, 60)}…; landscape ${(100 * dl).toFixed(1)}%, means field ${(100 * dm).toFixed(1)}% changed`;
    });

    // (e) reload
    await check("(e) reload restores the state (same canonical hash, same picture)", async () => {
      await setHash(beforeReload);
      await waitCanonical("kl.bernoulli", (p) => p.p_hat === "0.85");
      await page.reload({ waitUntil: "load" });
      await page.waitForFunction(() => window.klabReady === true, null, { timeout: 30000 });
      const h = await waitCanonical("kl.bernoulli");
      expect(h === beforeReload, `after reload the hash is ${h}, before it was ${beforeReload}`);
      await park();
      await frames(3);
      const img = await shot("bernoulli-reloaded");
      const d = diffFraction(beforeReloadImg, img, CENTRE) + diffFraction(beforeReloadImg, img, CONTROLS);
      expect(d < 0.002, `the picture differs after reload (${(100 * d).toFixed(2)}%)`);
      return h;
    });

    // (g) invalid hashes: notice on the console and on screen, then the defaults
    const invalid = [
      { hash: "#kl.bernoulli?p_hat=7", expect: ["p_hat", "[0, 1]", "'7'"] },
      { hash: "#kl.nope?p_hat=0.5", expect: ["unknown demo", "kl.nope"] },
      { hash: "#kl.bernoulli?p_hat=%zz", expect: ["malformed %-escape", "p_hat"] },
      { hash: "#kl.bernoulli?n=0", expect: ["'n'", "[1, 100000]"] },
    ];
    for (const bad of invalid) {
      await check(`(g) invalid hash ${bad.hash} → notice and defaults`, async () => {
        await setHash("#kl.bernoulli?p_hat=0.85&seed=42");
        await waitCanonical("kl.bernoulli", (p) => p.p_hat === "0.85" && p.seed === "42");
        const n = warnings.length;
        await setHash(bad.hash);
        const h = await waitCanonical("kl.bernoulli");  // the app rewrote the bad hash
        const w = warnings.slice(n).filter((t) => t.includes("klab: This link could not be used"));
        expect(w.length === 1, `expected one console warning, got: ${warningsSince(n) || "none"}`);
        for (const s of bad.expect) expect(w[0].includes(s), `the warning does not mention ${s}: ${w[0]}`);
        expect(h === defaultHash, `did not fall back to the defaults: ${h}`);
        await park();
        await frames(2);
        const img = await shot("invalid-" + bad.hash.replace(/[^a-z0-9]+/gi, "_"));
        const banner = countColour(img, CENTRE, BANNER_RGB);
        expect(banner > 2000, `no warning banner on screen (${banner} banner pixels)`);
        return `${w[0].replace(/^\[main\] /, "")}`;
      });
    }
    await check("(g) a fresh load of an invalid hash shows the notice and the default demo", async () => {
      const fresh = await context.newPage();
      watch(fresh, "fresh");
      const n = warnings.length;
      await fresh.goto(url + "#kl.nope?x=1", { waitUntil: "load" });
      await fresh.waitForFunction(() => window.klabReady === true, null, { timeout: 30000 });
      await fresh.waitForFunction((h) => location.hash === h, defaultHash, { timeout: 10000 });
      const w = warnings.slice(n).filter((t) => t.includes("unknown demo 'kl.nope'"));
      expect(w.length === 1, `expected the notice on the console, got: ${warningsSince(n) || "none"}`);
      await fresh.close();
      return "unknown demo 'kl.nope' → " + defaultHash.slice(0, 40) + "…";
    });

    // (j) every demo of every chapter opens and draws (catches crashes such as running out of memory)
    const ids = await page.evaluate(() => window.klabDemos);
    const openDemo = async (pg, id) => {
      await pg.evaluate((h) => { location.hash = h; }, "#" + id);
      // The app rewrites the short link with every parameter, then the seed and runs.
      await pg.waitForFunction((id) => location.hash.startsWith("#" + id + "?") && location.hash.includes("&seed="), id,
                               { timeout: 10000 });
    };
    // (j) and (k) in one visit per demo (opening a demo is what costs: it builds the live view);
    // (k) Space plays and pauses every demo that plays; elsewhere a notice says there is nothing to play.
    await check("(j) every demo opens and draws without errors (1280×800); (k) Space toggles play in every demo that plays, and says so where nothing plays", async () => {
      expect(Array.isArray(ids) && ids.length >= 3, `window.klabDemos is ${JSON.stringify(ids)}`);
      const plays = [], still = [], failed = [];
      await park();  // nothing in the loop moves the mouse: no hover over the screenshots
      // One visit: open, Space twice, screenshot. Errors are counted from this demo's start.
      const visit = async (id) => {
        const before = errors.length;
        await openDemo(page, id);
        await frames(3);
        const s0 = await state();
        expect(s0.demo === id, `klabState names ${s0.demo}, not ${id}`);
        await space();
        const s1 = await state();
        if (s0.animates) {
          // A short run can end between the two reads (time-based playback on a slow machine): then
          // Space replays it from the start, which is the toggle from the finished state.
          const replayed = s0.playing && s1.playing && s1.toast.includes("Playing") && s1.progress < s0.progress;
          expect(s1.playing !== s0.playing || replayed,
                 `${id}: Space did not toggle play (${s0.playing} → ${s1.playing}, progress ${s0.progress} → ${s1.progress}, toast '${s1.toast}')`);
          await space();
          const s2 = await state();
          // Short runs (bandits.bai has two steps) can also end within the press's frames: a replay
          // that finished says "Playing" and stands at the end.
          const replayedToEnd = !s1.playing && !s2.playing && s2.toast.includes("Playing") && s2.progress >= 1;
          expect(s2.playing !== s1.playing || (s1.playing && s2.progress >= 1) || replayedToEnd,
                 `${id}: a second Space did not toggle back (${s1.playing} → ${s2.playing}, progress ${s1.progress} → ${s2.progress}, toast '${s2.toast}')`);
          plays.push(id);
        } else {
          expect(s1.toast.startsWith("Nothing to play"), `${id}: no notice after Space (toast '${s1.toast}')`);
          still.push(id);
        }
        // The picture after a moment of the live run (the Space presses took a dozen frames).
        const s = imageStats(await shot("demo-" + id));
        expect(s.colours >= 500 && s.sd >= 10, `${id} looks blank (${s.colours} colours, sd ${s.sd.toFixed(1)})`);
        expect(errors.length === before, `${id}: ${errors.slice(before).join(" | ")}`);
      };
      // A failing demo is recorded and the loop carries on with a fresh page (an uncaught exception
      // can leave the old one frozen), so one bad demo cannot hide the other demos' screenshots.
      // A visit that hangs (a page that no longer answers) counts as failed after 90 s.
      const freshPage = async () => {
        await page.close().catch(() => {});
        page = await context.newPage();
        watch(page, "main");
        await page.goto(url, { waitUntil: "load", timeout: 30000 });
        await page.waitForFunction(() => window.klabReady === true, null, { timeout: 30000 });
        await park();
      };
      for (const id of ids) {
        let timer = null;
        const hang = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("no answer within 90 s")), 90000); });
        const v = visit(id);
        v.catch(() => {});  // after a hang it rejects once its page is closed: not an unhandled rejection
        try {
          await Promise.race([v, hang]);
        } catch (e) {
          failed.push(`${id}: ${e.message.split("\n")[0]}`);
          try {
            await freshPage();
          } catch (e2) {
            throw new Error(`no fresh page after a failing demo (${e2.message.split("\n")[0]}); failed: ${failed.join(" || ")}`);
          }
        } finally {
          clearTimeout(timer);
        }
      }
      expect(failed.length === 0, `${failed.length} of ${ids.length} demos failed (the others were visited): ${failed.join(" || ")}`);
      return `${ids.length} demos; Space toggled: ${plays.join(", ")}; "nothing to play" notice: ${still.join(", ")}`;
    });

    // (n) mdp.planning's gridworld editor: files in and out through the page's file input and a download
    await check("(n) the gridworld editor: a valid upload replaces the world (a grid, or any MDP through mdp_file), an invalid one changes nothing, a download saves it", async () => {
      await openDemo(page, "mdp.planning");
      const maze = {
        format: "klab.gridworld", version: 1, grid: ["#######", "#S..H.#", "#.#.#G#", "#######"], slip: 0.1, wind: 0.05,
        wind_direction: "north", step_reward: 0, goal_reward: 2, cliff_reward: -100, hazard_cost: 1,
        cell_rewards: [[1, 2, 0.5]], cell_costs: [[2, 3, 0.25]], discount: 0.95, horizon: 0,
      };
      const upload = (name, text) => page.setInputFiles("#klab-upload", { name, mimeType: "application/json", buffer: Buffer.from(text) });
      await upload("maze.json", JSON.stringify(maze));
      let h = "";
      for (const t0 = Date.now(); Date.now() - t0 < 10000; await sleep(50)) {
        h = await hash();
        if (demoOf(h) === "mdp.planning" && params(h).slip === "0.1" && (params(h).grid || "") !== "") break;
      }
      expect(params(h).slip === "0.1", `the upload did not reach the link: ${h.slice(0, 120)}`);
      const grid = JSON.parse(decodeURIComponent(params(h).grid));
      expect(JSON.stringify(grid.grid) === JSON.stringify(maze.grid), `the link's grid is ${JSON.stringify(grid.grid)}`);
      expect(grid.goal_reward === 2 && JSON.stringify(grid.cell_rewards) === "[[1,2,0.5]]", `the link's grid is ${JSON.stringify(grid)}`);
      // An invalid file: the validator's message (console and screen), the world unchanged.
      const n = warnings.length;
      await upload("bad.json", '{"format": "klab.gridworld", "version": 1, "grid": ["S.G", "..x"]}');
      const t0 = Date.now();
      while (!warnings.slice(n).some((t) => t.includes("bad.json: grid row 1, column 2: unknown cell 'x'")) && Date.now() - t0 < 5000) await sleep(50);
      const said = warnings.slice(n).find((t) => t.includes("bad.json"));
      expect(said && said.includes("unknown cell 'x'") && said.includes("the world is unchanged"), `no message naming the cell: ${warningsSince(n) || "none"}`);
      await frames(3);
      expect((await hash()) === h, "the invalid file changed the link");
      const refused = await shot("editor-invalid-upload");
      const red = countColour(refused, CENTRE, [235, 95, 95]);
      expect(red > 30, `no error message on screen (${red} red pixels)`);
      // Download: the same world, with the slip, wind and the demo's discount.
      const [x0, y0, x1, y1] = await plotArea("button:editor_download_grid");
      const [download] = await Promise.all([page.waitForEvent("download", { timeout: 5000 }),
                                            page.mouse.click((x0 + x1) / 2, (y0 + y1) / 2)]);
      const saved = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
      for (const key of Object.keys(maze))
        expect(JSON.stringify(saved[key]) === JSON.stringify(maze[key]), `the download's ${key} is ${JSON.stringify(saved[key])}, the upload's ${JSON.stringify(maze[key])}`);
      // A klab.mdp file (any tabular MDP): the page keeps a copy, the link names it (mdp_file), the
      // demo runs on it, and "Download MDP" gives back its states and actions.
      const mdp = {
        format: "klab.mdp", version: 1, states: 3, discount: 0.9, start: [[0, 1]],
        actions: [[{ reward: 0, next: [[1, 1]] }, { reward: 0.5, next: [[0, 0.5], [2, 0.5]] }],
                  [{ reward: 1, next: [[2, 1]] }], [{ reward: 0, next: [[2, 1]] }]],
      };
      const m = warnings.length;
      await upload("three.json", JSON.stringify(mdp));
      for (const t0 = Date.now(); Date.now() - t0 < 10000; await sleep(50)) {
        h = await hash();
        if ((params(h).mdp_file || "") !== "") break;
      }
      const kept = decodeURIComponent(params(h).mdp_file || "");
      expect(kept.startsWith("/tmp/klab-uploads/three-"), `the klab.mdp upload did not reach the link: ${h.slice(0, 160)}`);
      expect((params(h).grid || "") === "", "the link keeps a grid beside mdp_file");
      await frames(5);
      expect(!warningsSince(m).includes("cannot read"), `the kept copy was not readable: ${warningsSince(m)}`);
      const [u0, v0, u1, v1] = await plotArea("button:editor_download_mdp");
      const [mdpDownload] = await Promise.all([page.waitForEvent("download", { timeout: 5000 }),
                                               page.mouse.click((u0 + u1) / 2, (v0 + v1) / 2)]);
      const back = JSON.parse(fs.readFileSync(await mdpDownload.path(), "utf8"));
      expect(back.states === 3 && back.actions.length === 3 && back.actions[0].length === 2,
             `"Download MDP" saved ${back.states} states, ${JSON.stringify(back.actions).slice(0, 120)}`);
      return `upload → ${grid.grid.length}-row grid in the link; bad.json → "${said.replace(/^\[main\] klab: /, "").slice(0, 70)}…"; ` +
        `${download.suggestedFilename()} equals the upload; three.json (klab.mdp) → mdp_file=${kept}, downloaded back with 3 states`;
    });

    // (l) idle: no frames drawn while nothing moves
    await check("(l) an idle page draws no frames for 2 s", async () => {
      await openDemo(page, "kl.bernoulli");
      await park();
      // Input settles and the notices of the previous checks fade (a status notice lasts 5 s, a
      // toast 1.8 s): wait until half a second passes without a frame, at most 8 s.
      let settled = await page.evaluate(() => window.klabFrames);
      for (const start = Date.now(); Date.now() - start < 8000;) {
        await sleep(500);
        const now = await page.evaluate(() => window.klabFrames);
        if (now === settled) break;
        settled = now;
      }
      const f0 = await page.evaluate(() => window.klabFrames);
      await sleep(2000);
      const f1 = await page.evaluate(() => window.klabFrames);
      expect(f1 === f0, `${f1 - f0} frames drawn in 2 s with nothing moving`);
      await page.mouse.move(NEUTRAL.x + 5, NEUTRAL.y + 5);
      await frames(3);
      const f2 = await page.evaluate(() => window.klabFrames);
      expect(f2 > f1, "moving the mouse did not wake the lab");
      return `klabFrames stayed at ${f1} for 2 s; a mouse move drew ${f2 - f1} frames`;
    });

    // (m) the diffusion demos' mixture editor: a link carrying an edited mixture opens it; dragging
    // a mean rewrites the link's `mixture` (the parameter "Copy CLI command" carries too)
    await check("(m) diffusion mixture editor: a dragged mean rewrites the link's mixture", async () => {
      const mix = "1:-1:0:0.04:0:0.04;1:1:0:0.04:0:0.04;0.5:0:1.5:0.09:0.03:0.02";
      const mixtureOf = (h) => decodeURIComponent(params(h).mixture || "");
      await setHash(`#diffusion.samplers?particles=100&nfe=4,10&mixture=${mix}`);
      await page.waitForFunction((m) => location.hash.includes("&seed=") && location.hash.includes("mixture=" + m), mix, { timeout: 10000 });
      const rec = await plotRecord("mixture editor");
      const [x0, y0, x1, y1] = rec.area;
      const sx = (x) => x0 + ((x - rec.x[0]) / (rec.x[1] - rec.x[0])) * (x1 - x0);
      const sy = (y) => y1 - ((y - rec.y[0]) / (rec.y[1] - rec.y[0])) * (y1 - y0);
      await shot("diffusion-mixture-editor");
      // The first component's mean, from (−1, 0) a quarter of the view to the right.
      const dx = 0.25 * (x1 - x0);
      await page.mouse.move(sx(-1), sy(0));
      await frames(2);
      await page.mouse.down();
      await frames(2);
      for (let k = 1; k <= 3; ++k) {
        await page.mouse.move(sx(-1) + (dx * k) / 3, sy(0));
        await frames(2);
      }
      await page.mouse.up();
      await page.waitForFunction((m) => !location.hash.includes("mixture=" + m), mix, { timeout: 10000 });
      const after = mixtureOf(await hash());
      const first = after.split(";")[0].split(":").map(Number);
      expect(after.split(";").length === 3, `the link's mixture has ${after.split(";").length} components: ${after}`);
      const moved = first[1] + 1, want = 0.25 * (rec.x[1] - rec.x[0]);
      expect(Math.abs(moved - want) < 0.1 * want && Math.abs(first[2]) < 0.05 * (rec.y[1] - rec.y[0]),
             `the first mean moved by (${moved}, ${first[2]}), expected (${want.toFixed(3)}, 0): ${after}`);
      await park();
      return `mixture=${after}`;
    });

    // (j) on a phone: 390×844 CSS pixels at a pixel ratio of 2; the controls live in a drawer
    // The first demo of each chapter: the per-demo layouts at phone size are checked for every demo
    // by the headless UI test (natively and in wasm); here the browser's pixel ratio and drawer.
    const phoneIds = ids.filter((id, i) => i === 0 || id.split(".")[0] !== ids[i - 1].split(".")[0]);
    await check("(j) the first demo of every chapter opens and draws on a phone (390×844, pixel ratio 2)", async () => {
      const phone = await browser.newContext({ viewport: { width: PHONE.width, height: PHONE.height }, deviceScaleFactor: PHONE.scale });
      const p = await phone.newPage();
      watch(p, "phone");
      const before = errors.length;
      await p.goto(url + "#" + ids[0], { waitUntil: "load" });
      await p.waitForFunction(() => window.klabReady === true, null, { timeout: 30000 });
      for (const id of phoneIds) {
        await openDemo(p, id);
        await sleep(300);
        const png = await p.screenshot({ type: "png" });
        if (shotDir) fs.writeFileSync(path.join(shotDir, `phone-${id}.png`), png);
        const img = decodePng(png);
        expect(img.width === PHONE.width * PHONE.scale, `phone screenshot is ${img.width} px wide`);
        const s = imageStats(img);
        expect(s.colours >= 300 && s.sd >= 10, `${id} looks blank on a phone (${s.colours} colours, sd ${s.sd.toFixed(1)})`);
        expect(errors.length === before, `${id}: ${errors.slice(before).join(" | ")}`);
      }
      // The diffusion mixture editor on a phone (opened by a link with an edited mixture).
      await p.evaluate((h) => { location.hash = h; }, "#diffusion.samplers?particles=100&nfe=4,10&mixture=1:-1:0:0.04:0:0.04;1:1:0:0.04:0:0.04");
      await p.waitForFunction(() => location.hash.includes("&seed=") && location.hash.includes("mixture=1:-1"), null, { timeout: 10000 });
      await sleep(300);
      const editorPng = await p.screenshot({ type: "png" });
      if (shotDir) fs.writeFileSync(path.join(shotDir, "phone-diffusion-mixture-editor.png"), editorPng);
      const es = imageStats(decodePng(editorPng));
      expect(es.colours >= 300 && es.sd >= 10, `the mixture editor looks blank on a phone (${es.colours} colours, sd ${es.sd.toFixed(1)})`);
      expect(errors.length === before, `mixture editor on a phone: ${errors.slice(before).join(" | ")}`);
      const st = await p.evaluate(() => window.klabState);
      expect(st.drawer === true, "the controls are not in a drawer on a phone");
      await phone.close();
      return `${phoneIds.length} demos at ${PHONE.width}×${PHONE.height}@${PHONE.scale}x: ${phoneIds.join(", ")}`;
    });

    // (f) console: nothing but the expected notices
    await check("(f) no console errors, page errors or failed requests during the run", async () => {
      expect(errors.length === 0, errors.slice(0, 3).join(" | "));
      const unexpected = warnings.filter((t) => !t.includes("klab: This link could not be used") && !t.includes("klab: bad.json"));
      return `${warnings.length - unexpected.length} expected notices` +
        (unexpected.length ? `; other warnings: ${unexpected.slice(0, 3).join(" | ")}` : "; no other warnings");
    });
  } finally {
    await browser.close().catch(() => {});
    server.kill();
    console.log(`${results.filter((r) => r.ok).length}/${results.length} checks passed in ${((Date.now() - started) / 1000).toFixed(1)} s` +
                (shotDir ? `; screenshots in ${shotDir}` : ""));
  }
}

const limit = setTimeout(() => {
  report(false, `the whole test within ${TOTAL_LIMIT_MS / 1000} s`, "timed out");
  process.exit(1);
}, TOTAL_LIMIT_MS);
main()
  .catch((e) => report(false, "the test ran to the end", e.stack || String(e)))
  .finally(() => {
    clearTimeout(limit);
    process.exit(results.length > 0 && results.every((r) => r.ok) ? 0 : 1);
  });
