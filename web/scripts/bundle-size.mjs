#!/usr/bin/env node
// What a first visit downloads: the JavaScript and CSS that the built index.html loads
// (its module scripts, the modules they preload, its stylesheets), raw and gzipped.
// Exit 1 when the gzipped JavaScript is over the budget (issue 8: 300 KB), 2 without a build.
//
//   node scripts/bundle-size.mjs [--dist DIR] [--budget-kb 300] [--json]
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const dist = option("--dist", new URL("../dist", import.meta.url).pathname);
const budgetKb = Number(option("--budget-kb", "300"));
const asJson = args.includes("--json");

const indexPath = join(dist, "index.html");
if (!existsSync(indexPath)) {
  console.error(`bundle-size: no build at ${dist} (run: npm --prefix web run build)`);
  process.exit(2);
}
const html = readFileSync(indexPath, "utf8");
const refs = new Set();
for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]*rel="(?:modulepreload|stylesheet)"[^>]*href="([^"]+)"/g)) refs.add(m[1]);
for (const m of html.matchAll(/<link[^>]*href="([^"]+)"[^>]*rel="(?:modulepreload|stylesheet)"/g)) refs.add(m[1]);

const files = [...refs]
  .filter((ref) => ref.startsWith("/"))
  .map((ref) => {
    const bytes = readFileSync(join(dist, ref));
    return { file: ref, kind: ref.endsWith(".css") ? "css" : "js", bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
if (!files.some((f) => f.kind === "js")) {
  console.error(`bundle-size: ${indexPath} loads no JavaScript this script recognises; nothing measured`);
  process.exit(2);
}
const total = (kind) => files.filter((f) => f.kind === kind).reduce((n, f) => n + f.gzip, 0);
const jsGzip = total("js");
const report = {
  files,
  js_gzip_bytes: jsGzip,
  css_gzip_bytes: total("css"),
  budget_js_gzip_bytes: budgetKb * 1000,
  within_budget: jsGzip <= budgetKb * 1000,
};

if (asJson) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
  console.log("first load of the web app (what index.html loads)");
  for (const f of files) console.log(`  ${f.file.padEnd(42)} ${kb(f.bytes).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip`);
  console.log(`  JavaScript, gzipped: ${kb(jsGzip)} (budget ${budgetKb} KB): ${report.within_budget ? "within" : "OVER"}`);
  console.log(`  CSS, gzipped: ${kb(report.css_gzip_bytes)}`);
}
process.exit(report.within_budget ? 0 : 1);
