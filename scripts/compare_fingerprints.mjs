// Compares two fingerprint files (tests/parity/fingerprint.cpp): discrete values exactly, reals
// to the tolerance each line states: |a - b| <= tol·max(|a|, |b|) + 1e-14. Exit 1 with the first
// differences listed.
//   node scripts/compare_fingerprints.mjs native.txt wasm.txt
import fs from "node:fs";

const [a, b] = process.argv.slice(2);
const kAbsolute = 1e-14;
const parse = (f) => new Map(fs.readFileSync(f, "utf8").trim().split("\n").map((line) => {
  const [name, kind, ...rest] = line.split(" ");
  const tol = kind === "real" ? Number(rest.shift()) : 0;
  return [name, { kind, tol, vals: rest }];
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
      if (Math.abs(u - v) > kAbsolute) worst = Math.max(worst, rel);
      if (!(Math.abs(u - v) <= x.tol * Math.max(Math.abs(u), Math.abs(v)) + kAbsolute)) {
        if (bad++ < 10) console.log(`${name}[${i}]: ${u} vs ${v} (relative difference ${rel}, stated tolerance ${x.tol})`);
      }
    }
  }
}
for (const name of B.keys()) if (!A.has(name)) { console.log(`missing in ${a}: ${name}`); bad++; }
const loose = [...A].filter(([, x]) => x.kind === "real" && x.tol > 1e-9).map(([n, x]) => `${n} (${x.tol})`);
console.log(`${compared} values compared, ${bad} mismatches; largest relative difference among reals (beyond 1e-14): ${worst}` +
            (loose.length ? `; demos with a looser stated tolerance: ${loose.join(", ")}` : ""));
process.exit(bad ? 1 : 0);
