// Compares two fingerprint files (tests/parity/fingerprint.cpp): discrete values exactly,
// reals to a relative tolerance (default 1e-12). Exit 1 with the first differences listed.
//   node scripts/compare_fingerprints.mjs native.txt wasm.txt [rel_tol]
import fs from "node:fs";

const [a, b, tolText] = process.argv.slice(2);
const tol = Number(tolText || "1e-12");
const parse = (f) => new Map(fs.readFileSync(f, "utf8").trim().split("\n").map((line) => {
  const [name, kind, ...vals] = line.split(" ");
  return [name, { kind, vals }];
}));
const A = parse(a), B = parse(b);
let bad = 0, compared = 0, worst = 0;
for (const [name, x] of A) {
  const y = B.get(name);
  if (!y) { console.log(`missing in ${b}: ${name}`); bad++; continue; }
  if (x.vals.length !== y.vals.length) { console.log(`${name}: ${x.vals.length} vs ${y.vals.length} values`); bad++; continue; }
  for (let i = 0; i < x.vals.length; i++) {
    compared++;
    if (x.kind === "int") {
      if (x.vals[i] !== y.vals[i]) { if (bad++ < 10) console.log(`${name}[${i}]: ${x.vals[i]} vs ${y.vals[i]} (must be equal)`); }
    } else {
      const u = Number(x.vals[i]), v = Number(y.vals[i]);
      if (Number.isNaN(u) && Number.isNaN(v)) continue;
      const rel = Math.abs(u - v) / Math.max(Math.abs(u), Math.abs(v), 1e-300);
      worst = Math.max(worst, u === v ? 0 : rel);
      if (!(rel <= tol)) { if (bad++ < 10) console.log(`${name}[${i}]: ${u} vs ${v} (relative difference ${rel})`); }
    }
  }
}
for (const name of B.keys()) if (!A.has(name)) { console.log(`missing in ${a}: ${name}`); bad++; }
console.log(`${compared} values compared, largest relative difference among reals ${worst}, ${bad} mismatches`);
process.exit(bad ? 1 : 0);
