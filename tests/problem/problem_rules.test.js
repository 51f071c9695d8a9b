// The shared vectors (tests/vectors/problem) against problem.js's rules, in Node's own test runner:
// the same cases, the same content (content.json, written from model.py) and the same expectations
// as tests/problem/test_problem_model.py runs against model.py.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
globalThis.P2PStore = require(path.join(ROOT, "xblocks/common/static/p2p-store.js")).P2PStore;
const problem = require(path.join(ROOT, "xblocks/problem/static/problem.js"));
const VECTORS = path.join(ROOT, "tests/vectors/problem");
const contents = JSON.parse(fs.readFileSync(path.join(VECTORS, "content.json"), "utf8"));

// Every key the vector names has the value it names (lists and scalars compared whole).
function matches(expected, got) {
  if (expected !== null && typeof expected === "object" && !Array.isArray(expected)) {
    return got !== null && typeof got === "object" && Object.keys(expected).every((k) => k in got && matches(expected[k], got[k]));
  }
  try { assert.deepStrictEqual(got, expected); return true; } catch { return false; }
}

for (const file of ["grading.json", "handlers.json"]) {
  const vector = JSON.parse(fs.readFileSync(path.join(VECTORS, file), "utf8"));
  for (const vcase of vector.cases) {
    test(`${file}: ${vcase.name}`, () => {
      const content = contents[vcase.problem];
      let state = vcase.saved === undefined ? null : vcase.saved;
      vcase.steps.forEach((step, index) => {
        const where = `step ${index + 1} (${step.handler})`;
        if (step.refused) {
          const before = JSON.stringify(state);
          assert.throws(() => problem.rules.apply(step.handler, state, step.payload, content),
            (error) => error.status === step.refused.status, where);
          assert.equal(JSON.stringify(state), before, `${where}: a refusal changes nothing`);
          return;
        }
        const outcome = problem.rules.apply(step.handler, state, step.payload, content);
        assert.ok(matches(step.response, outcome.response), `${where}: ${JSON.stringify(outcome.response)}`);
        state = outcome.state;
      });
    });
  }
}

test("the matcher can fail", () => {
  assert.equal(matches({ score: { earned: 1 } }, { score: { earned: 0.5 } }), false);
  assert.equal(matches({ answer: null }, {}), false);
});

test("the report: one interaction per question, the raw score, nothing before a submission", () => {
  const content = contents["dropdown_text.xml"];
  assert.deepStrictEqual(problem.rules.report(null, content, "b1"), { completed: false, score: null, interactions: [] });
  const { state } = problem.rules.apply("submit", null, { answers: { p1: "A refund", p2: "iep" } }, content);
  const report = problem.rules.report(state, content, "b1");
  assert.deepStrictEqual(report.score, { earned: 1, possible: 2 });
  assert.deepStrictEqual(report.interactions.map((i) => [i.id, i.type, i.result]), [["b1-p1", "fill-in", "incorrect"], ["b1-p2", "fill-in", "correct"]]);
});

test("round away from zero, as Open edX rounds partial credit", () => {
  assert.equal(problem.roundAwayFromZero(0.125, 2), 0.13);
  assert.equal(problem.roundAwayFromZero(2 / 3, 2), 0.67);
});
