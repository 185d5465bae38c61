// Compares two summary.json files from `klab run`, ignoring "timing": strings, integers and
// structure exactly, reals to a relative tolerance (default 1e-12).
//   node scripts/compare_summaries.mjs a/summary.json b/summary.json [rel_tol]
import fs from "node:fs";

const [fa, fb, tolText] = process.argv.slice(2);
const tol = Number(tolText || "1e-12");
const a = JSON.parse(fs.readFileSync(fa, "utf8")), b = JSON.parse(fs.readFileSync(fb, "utf8"));
delete a.timing;
delete b.timing;
const problems = [];
let compared = 0, worst = 0;
function walk(x, y, path) {
  if (typeof x === "number" && typeof y === "number") {
    compared++;
    if (Number.isInteger(x) && Number.isInteger(y) && Math.abs(x) < 2 ** 53 && x === y) return;
    const rel = Math.abs(x - y) / Math.max(Math.abs(x), Math.abs(y), 1e-300);
    worst = Math.max(worst, x === y ? 0 : rel);
    if (!(rel <= tol)) problems.push(`${path}: ${x} vs ${y} (relative ${rel})`);
    return;
  }
  if (typeof x !== typeof y || Array.isArray(x) !== Array.isArray(y) || (x === null) !== (y === null)) {
    problems.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
    return;
  }
  if (x && typeof x === "object") {
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of keys) walk(x[k], y[k], `${path}.${k}`);
    return;
  }
  if (x !== y) problems.push(`${path}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`);
}
walk(a, b, "summary");
for (const p of problems.slice(0, 20)) console.log(p);
console.log(`${compared} numbers compared (timing ignored), largest relative difference ${worst}, ${problems.length} mismatches`);
process.exit(problems.length ? 1 : 0);
