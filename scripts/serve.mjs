// A small static file server for the lab (used by scripts/serve.sh and the browser tests):
// correct MIME types (application/wasm for streaming compilation), no caching, loopback only.
//   node scripts/serve.mjs [--root DIR] [--port N] [--host H]
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const root = path.resolve(opt("--root", "."));
const port = Number(opt("--port", process.env.PORT || "8080"));
const host = opt("--host", "127.0.0.1");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`serve: --port must be an integer in [0, 65535] (got '${opt("--port")}')`);
  process.exit(2);
}
const types = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".svg": "image/svg+xml", ".png": "image/png",
  ".json": "application/json", ".csv": "text/csv", ".ico": "image/x-icon",
};
const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  let file = path.normalize(path.join(root, decodeURIComponent(url.pathname)));
  if (!file.startsWith(root)) { res.writeHead(403).end("forbidden"); return; }
  if (file.endsWith(path.sep)) file = path.join(file, "index.html");
  fs.readFile(file, (err, data) => {
    if (err) { res.writeHead(404, {"content-type": "text/plain"}).end("not found: " + url.pathname); return; }
    res.writeHead(200, {"content-type": types[path.extname(file)] || "application/octet-stream", "cache-control": "no-cache"});
    res.end(data);
  });
});
server.on("error", (e) => {
  console.error(e.code === "EADDRINUSE" ? `serve: port ${port} is in use; choose another with PORT=<n> or --port <n>` : `serve: ${e.message}`);
  process.exit(1);
});
server.listen(port, host, () => {
  const a = server.address();
  console.log(`KL Lab is served at http://${host}:${a.port}/  (Ctrl+C to stop)`);
});
