// Every block's shared rule vectors (tests/vectors/README.md) against its script's rules, in Node's own
// test runner: `node --test tests/rules.test.js` (make test runs it; no browser). The same files run
// against model.py in tests/test_rules_vectors.py. Each script is loaded as a page loads it, after
// p2p-store.js into one global (a vm context); the content of an OLX file is what model.py gives, read
// from tests/support/vectors.py (Python from .venv, or $P2P_PYTHON).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const childProcess = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const ROOT = path.resolve(__dirname, "..");
const VECTORS = path.join(ROOT, "tests", "vectors");
const STORE = path.join(ROOT, "xblocks", "common", "static", "p2p-store.js");
const PYTHON = process.env.P2P_PYTHON || path.join(ROOT, ".venv", "bin", "python");

const fromPython = JSON.parse(childProcess.execFileSync(PYTHON, [path.join(ROOT, "tests", "support", "vectors.py")],
  { cwd: ROOT, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }));

// A page's global with p2p-store.js and the block's script loaded, as the player bundles them.
function scriptRules(tag) {
  const { script, global } = fromPython.scripts[tag];
  const page = vm.createContext({ console });
  vm.runInContext("var window = this;", page);
  for (const file of [STORE, script]) { vm.runInContext(fs.readFileSync(file, "utf8"), page, { filename: file }); }
  return page[global].rules;
}

const json = (value) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

// `expect`: every key the vector names has the value it names, at any depth (lists and scalars whole).
function matches(expected, got) {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    return got !== null && typeof got === "object" && !Array.isArray(got) &&
      Object.keys(expected).every((k) => Object.prototype.hasOwnProperty.call(got, k) && matches(expected[k], got[k]));
  }
  try { assert.deepStrictEqual(got, expected); return true; } catch { return false; }
}

function contentOf(file, vector, vcase) {
  const given = vcase.content !== undefined ? vcase.content : vector.content;
  if (typeof given !== "string") { return given; }
  const key = given.startsWith("courses/") ? given : path.relative(ROOT, path.join(path.dirname(file), given)).split(path.sep).join("/");
  assert.ok(key in fromPython.contents, `no content for ${key}`);
  return fromPython.contents[key];
}

function vectorFiles() {
  return fs.readdirSync(VECTORS, { withFileTypes: true }).filter((d) => d.isDirectory()).flatMap((d) =>
    fs.readdirSync(path.join(VECTORS, d.name)).filter((n) => n.endsWith(".json")).sort().map((n) => path.join(VECTORS, d.name, n))
  ).filter((file) => "block" in JSON.parse(fs.readFileSync(file, "utf8")));
}

const rulesOf = {};
for (const file of vectorFiles()) {
  const vector = JSON.parse(fs.readFileSync(file, "utf8"));
  const name = `${path.basename(path.dirname(file))}/${path.basename(file, ".json")}`;
  for (const vcase of vector.cases) {
    test(`${name}: ${vcase.name}`, () => {
      const rules = rulesOf[vector.block] || (rulesOf[vector.block] = scriptRules(vector.block));
      const content = contentOf(file, vector, vcase);
      const blockId = vcase.block_id || "";
      let state = rules.restore(json(vcase.saved === undefined ? null : vcase.saved), content);
      if ("restored" in vcase) { assert.deepStrictEqual(json(state), vcase.restored, "restored"); }
      vcase.steps.forEach((step, index) => {
        const where = `step ${index + 1} (${step.handler} ${JSON.stringify(step.payload).slice(0, 200)})`;
        const before = JSON.stringify(state);
        let outcome;
        try {
          outcome = rules.apply(step.handler, state, json(step.payload), content, step.ctx);
        } catch (error) {
          assert.ok(step.refused, `${where}: refused: ${error && error.message}`);
          assert.equal(error.status, step.refused.status, where);
          if ("message" in step.refused) { assert.equal(error.message, step.refused.message, where); }
          assert.equal(JSON.stringify(state), before, `${where}: a refused request changed the state`);
          return;
        }
        assert.ok(!step.refused, `${where}: should have been refused`);
        assert.equal(JSON.stringify(state), before, `${where}: a rule changed the state it was given`);
        const response = json(outcome.response);
        if ("response" in step) { assert.deepStrictEqual(response, step.response, where); }
        if ("expect" in step) { assert.ok(matches(step.expect, response), `${where}: ${JSON.stringify(response).slice(0, 2000)}`); }
        if (step.handler === "state") {
          assert.equal(JSON.stringify(outcome.state), before, `${where}: the read-only state handler changed the state`);
        }
        state = outcome.state;
        if ("state" in step) { assert.deepStrictEqual(json(state), step.state, where); }
      });
      if ("state" in vcase) { assert.deepStrictEqual(json(state), vcase.state, "final state"); }
      if ("report" in vcase) { assert.deepStrictEqual(json(rules.report(state, content, blockId)), vcase.report, "report"); }
    });
  }
}

test("the matcher can fail", () => {
  assert.equal(matches({ score: { earned: 1 } }, { score: { earned: 0.5 } }), false);
  assert.equal(matches({ answer: null }, {}), false);
  assert.equal(matches({ score: { earned: 1 } }, { score: { earned: 1, possible: 2 }, x: 1 }), true);
});
