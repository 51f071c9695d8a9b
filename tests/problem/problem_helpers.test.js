// problem.js's helpers in Node's own test runner (make test runs it). Its rules run on the shared
// vectors in tests/rules.test.js, with every other block's.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..", "..");
globalThis.P2PStore = require(path.join(ROOT, "xblocks/common/static/p2p-store.js")).P2PStore;
const problem = require(path.join(ROOT, "xblocks/problem/static/problem.js"));

test("round away from zero, as Open edX rounds partial credit", () => {
  assert.equal(problem.roundAwayFromZero(0.125, 2), 0.13);
  assert.equal(problem.roundAwayFromZero(2 / 3, 2), 0.67);
});
