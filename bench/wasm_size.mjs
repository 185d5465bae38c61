#!/usr/bin/env node
// Where the bytes of a wasm module go (prints figures; asserts nothing):
//   - every section's size, raw and gzip -9;
//   - the code section by owner: each function body is given to the first `klab::<chapter>`
//     namespace in its mangled name (an std:: template instantiated for a chapter's type counts for
//     that chapter), else to ImGui, SDL, libc++/libc, …; raw bytes and gzip -9 of the bodies
//     concatenated (a stand-alone figure: the whole module compresses a little better);
//   - the largest functions.
// Function names come from the symbol map that emcc writes with `--emit-symbol-map` (lines
// `index:name`, the index counting the imported functions first; the browser lab's link writes
// web/dist/klab_web.js.symbols).
//
//   node bench/wasm_size.mjs <module.wasm> <module.js.symbols> [--top N]
//   e.g. node bench/wasm_size.mjs web/dist/klab_web.wasm web/dist/klab_web.js.symbols
import fs from "node:fs";
import zlib from "node:zlib";

const args = process.argv.slice(2);
if (args.length < 2) {
  console.error("usage: node bench/wasm_size.mjs <module.wasm> <module.js.symbols> [--top N]");
  process.exit(2);
}
const topIndex = args.indexOf("--top");
const TOP = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
const bytes = fs.readFileSync(args[0]);
const names = new Map(fs.readFileSync(args[1], "utf8").split("\n").filter(Boolean).map((line) => {
  const colon = line.indexOf(":");
  // emcc writes demangled names with the characters outside [A-Za-z0-9_:<>.$-] escaped as \XX (hex).
  const name = line.slice(colon + 1).replace(/\\([0-9a-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)));
  return [Number(line.slice(0, colon)), name];
}));

// LEB128 reader over the module.
let pos = 8;
const uleb = () => {
  let result = 0, shift = 0, b;
  do {
    b = bytes[pos++];
    result += (b & 0x7f) * 2 ** shift;
    shift += 7;
  } while (b & 0x80);
  return result;
};
const skipName = () => { const n = uleb(); pos += n; };
const skipLimits = () => { const flags = bytes[pos++]; uleb(); if (flags & 1) uleb(); };

const SECTION = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start",
                 "element", "code", "data", "datacount", "tag"];
const gz = (buf) => zlib.gzipSync(buf, { level: 9 }).length;
const sections = [];
let importedFunctions = 0;
const bodies = [];  // [function index, Buffer]
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = uleb();
  const start = pos, end = pos + size;
  let label = SECTION[id] ?? `id ${id}`;
  if (id === 0) { const n = uleb(); label += ` "${bytes.subarray(pos, pos + n).toString()}"`; }
  if (id === 2) {
    pos = start;
    for (let i = uleb(); i > 0; --i) {
      skipName(); skipName();
      const kind = bytes[pos++];
      if (kind === 0) { uleb(); ++importedFunctions; }
      else if (kind === 1) { ++pos; skipLimits(); }
      else if (kind === 2) skipLimits();
      else if (kind === 3) pos += 2;
      else if (kind === 4) { ++pos; uleb(); }
    }
  }
  if (id === 10) {
    pos = start;
    const count = uleb();
    for (let i = 0; i < count; ++i) {
      const n = uleb();
      bodies.push([importedFunctions + i, bytes.subarray(pos, pos + n)]);
      pos += n;
    }
  }
  sections.push({ label, raw: size, gzip: gz(bytes.subarray(start, end)) });
  pos = end;
}

const fmt = (n) => n.toLocaleString("en-US");
console.log(`${args[0]}: ${fmt(bytes.length)} B raw, ${fmt(gz(bytes))} B gzip -9`);
console.log("\nsection                     raw B      gzip B (alone)");
for (const s of sections) console.log(`${s.label.padEnd(24)} ${fmt(s.raw).padStart(10)} ${fmt(s.gzip).padStart(10)}`);

// Owner of a function, from its (demangled) name: the first klab namespace in it, so that an std::
// template instantiated for a chapter's type (std::function<…>::__func<klab::mdp::…>) counts for it.
const CHAPTERS = ["kl", "bandits", "alignment", "mdp", "optim", "diffusion", "blackbox", "offline", "dist"];
function owner(name) {
  const m = /klab::([a-z_]+)::/.exec(name);
  if (m && CHAPTERS.includes(m[1])) return `klab::${m[1]}`;
  if (m && ["ui", "plot", "text"].includes(m[1])) return "klab::ui, plot, text (the shell)";
  if (/klab::/.test(name)) return "klab (core, app, catalogue)";
  if (/one_frame|^main$/.test(name)) return "klab (core, app, catalogue)";
  if (/^(ImGui|Im[A-Z]|stbtt|stbrp|stb_)/.test(name)) return "ImGui (+ stb)";
  if (/^(SDL_|Emscripten_|GLES2_|SW_|SDL)/.test(name)) return "SDL2";
  if (/nlohmann/.test(name)) return "nlohmann::json";
  if (/Eigen/.test(name)) return "Eigen";
  if (/^std::|^void std::|^\S+ std::|::__2::/.test(name)) return "libc++ (for no klab type)";
  if (/\(|::/.test(name)) return "other C++";
  return "C (libc, malloc, GL, …)";
}
const groups = new Map();
for (const [index, body] of bodies) {
  const key = owner(names.get(index) ?? "");
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(body);
}
const codeTotal = bodies.reduce((s, [, b]) => s + b.length, 0);
console.log(`\ncode by owner (${fmt(bodies.length)} functions, ${fmt(codeTotal)} B of bodies)`);
console.log("owner                                   functions      raw B   share   gzip B (alone)");
const rows = [...groups].map(([key, list]) => ({ key, n: list.length, raw: list.reduce((s, b) => s + b.length, 0),
                                                 gzip: gz(Buffer.concat(list)) }));
for (const r of rows.sort((a, b) => b.raw - a.raw)) {
  console.log(`${r.key.padEnd(38)} ${String(r.n).padStart(9)} ${fmt(r.raw).padStart(10)} ` +
              `${(100 * r.raw / codeTotal).toFixed(1).padStart(6)}% ${fmt(r.gzip).padStart(10)}`);
}

const largest = [...bodies].sort((a, b) => b[1].length - a[1].length).slice(0, TOP);
const demangled = largest.map(([index]) => names.get(index) ?? `function ${index}`);
console.log(`\nthe ${TOP} largest functions (raw B)`);
largest.forEach(([, body], i) => console.log(`${fmt(body.length).padStart(8)}  ${demangled[i].slice(0, 150)}`));
