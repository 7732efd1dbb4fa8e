#!/usr/bin/env node
// Time docxtemplater rendering the 建议书 template (render speed comparison).
//
//   node bench/docxtemplater_bench.js -n 1000 --template bench/out/建议书.docxtemplater.docx \
//        --data bench/out/data_docxtemplater.json
//
// The template and data are the docxtpl ones converted by
// bench/to_docxtemplater.py: docxtemplater tags ({x}, {#list}...{/list},
// paragraphLoop) instead of Jinja, and every value docxtemplater cannot
// compute itself (the cn_date/wenhao filters, join, default, loop.index,
// if-conditions) precomputed into extra data fields (_vN, _cN) outside the
// timed loop. That leaves docxtemplater less work than docxtpl and gongwen,
// which evaluate those expressions on every render.
//
// Normal docxtemplater usage: the .docx file is read into memory once; every
// document is new PizZip(bytes) (unzips the template), new Docxtemplater(zip,
// {paragraphLoop: true, linebreaks: false}) (parses the XML and tags),
// doc.render(data), then doc.getZip().generate({type: "nodebuffer",
// compression: "DEFLATE"}) — the finished .docx as a Buffer in memory
// (deflate-compressed, as docxtpl and gongwen write it). Nothing is written
// to disk inside the timed loop. --warmup renders are discarded first.
"use strict";
const fs = require("fs");
const path = require("path");
const PizZip = require("pizzip");
const Docxtemplater = require("docxtemplater");

function arg(name, def) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : def;
}

const n = parseInt(arg("-n", "1000"), 10);
const warmup = parseInt(arg("--warmup", "20"), 10);
const tplPath = arg("--template", "bench/out/建议书.docxtemplater.docx");
const dataPath = arg("--data", "bench/out/data_docxtemplater.json");
const outPath = arg("--out", "");
const jsonPath = arg("--json", "");

const content = fs.readFileSync(tplPath);
const data = JSON.parse(fs.readFileSync(dataPath, "utf8"));

function one() {
  const zip = new PizZip(content);
  const doc = new Docxtemplater(zip, { paragraphLoop: true, linebreaks: false });
  doc.render(data);
  return doc.getZip().generate({ type: "nodebuffer", compression: "DEFLATE" });
}

let buf;
for (let i = 0; i < warmup; i++) buf = one();
if (outPath) fs.writeFileSync(outPath, buf);

const start = process.hrtime.bigint();
for (let i = 0; i < n; i++) buf = one();
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;

const version = require(path.join(path.dirname(require.resolve("docxtemplater/package.json")), "package.json")).version;
const r = {
  tool: "docxtemplater",
  version,
  pizzip: require("pizzip/package.json").version,
  node: process.version,
  n,
  warmup,
  ms_per_doc: (elapsed / n) * 1000,
  output_bytes: buf.length,
  total_seconds_timed: elapsed,
  note: "new PizZip(bytes) + new Docxtemplater(zip, {paragraphLoop}) + render(data) + generate(nodebuffer, DEFLATE) per document",
};
console.log(`docxtemplater ${version}: ${n} docs in ${elapsed.toFixed(3)} s: ${r.ms_per_doc.toFixed(3)} ms/doc`);
if (jsonPath) fs.writeFileSync(jsonPath, JSON.stringify(r, null, 2) + "\n");
