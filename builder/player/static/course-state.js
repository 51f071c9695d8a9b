/* The learner's state of one player page, whatever the run-time: one versioned document
 *
 *   {v: 1, b: {<block id>: state}, u: [visited unit ids], l: <bookmark, kept here without an LMS>}
 *
 * (an adapter may keep keys of its own in it: the SCORM one keeps i, its interaction signatures),
 * and the status the blocks' own reports add up to. A run-time adapter stores the document where
 * its LMS keeps state (SCORM: cmi.suspend_data, encoded by P2PStateCodec) and reports the status
 * in its own vocabulary.
 *
 *   P2PCourseState.empty()                       a fresh document
 *   P2PCourseState.decode(text)                  a saved document, or null if unreadable or of another version
 *   P2PCourseState.prune(doc, blocks, unitIds)   forget blocks and units a re-published package no longer has
 *   P2PCourseState.status(doc, blocks, unitIds)  {progress, completed, unitsDone, scaled, earned, possible, interactions}
 *
 * blocks: {<block id>: {rules, content, unit}}, as the adapter's register() keeps them.
 */
(function (global) {
  "use strict";

  var DOC_VERSION = 1;

  function empty() {
    return {v: DOC_VERSION, b: {}, u: []};
  }

  function decode(text) {
    var restored = null;
    try { restored = global.P2PStateCodec.decode(text); } catch (e) { restored = null; }
    if (!restored || typeof restored !== "object" || restored.v !== DOC_VERSION) { return null; }
    return restored;
  }

  function prune(doc, blocks, unitIds) {
    Object.keys(doc.b).forEach(function (id) { if (!blocks[id]) { delete doc.b[id]; } });
    doc.u = doc.u.filter(function (id) { return unitIds.indexOf(id) >= 0; });
  }

  /* A unit is done once visited and every block in it reports completed; the score adds up the
   * blocks that have points. */
  function status(doc, blocks, unitIds) {
    var earned = 0, possible = 0, scored = false, blocksDone = {}, interactions = [];
    Object.keys(blocks).forEach(function (id) {
      var block = blocks[id];
      var outcome = block.rules.report(block.rules.restore(doc.b[id] || null, block.content), block.content, id);
      if (outcome.score && outcome.score.possible > 0) {
        scored = true;
        earned += outcome.score.earned;
        possible += outcome.score.possible;
      }
      blocksDone[id] = !!outcome.completed;
      (outcome.interactions || []).forEach(function (item) { interactions.push({item: item, content: block.content}); });
    });
    var unitsDone = unitIds.map(function (unitId, index) {
      if (doc.u.indexOf(unitId) < 0) { return false; }
      return Object.keys(blocks).every(function (id) { return blocks[id].unit !== index || blocksDone[id]; });
    });
    var done = unitsDone.filter(Boolean).length;
    return {
      progress: unitIds.length ? done / unitIds.length : 1,
      completed: done === unitIds.length,
      unitsDone: unitsDone,
      scaled: scored ? earned / possible : null,
      earned: earned, possible: possible,
      interactions: interactions
    };
  }

  global.P2PCourseState = {version: DOC_VERSION, empty: empty, decode: decode, prune: prune, status: status};
})(typeof window !== "undefined" ? window : this);
