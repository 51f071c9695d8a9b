/* The learner's state of one player page, whatever the run-time: one versioned document (below),
 * and the status the blocks' own reports add up to. A run-time adapter stores the document where
 * its LMS keeps state (SCORM: cmi.suspend_data, encoded by P2PStateCodec) and reports the status
 * in its own vocabulary.
 *
 * @typedef {Object} CourseStateDoc
 * @property {number} v  the document's version (DOC_VERSION); a document of another version is not read
 * @property {Object<string, *>} b  each block's state by block id, in its model's shape (RoleplayState,
 *     JournalState, SelfState or CalibrationState, ProblemState in the blocks' model.py)
 * @property {string[]} u  the ids of the units visited
 * @property {number} [c]  1 once the course was completed (never taken back)
 * @property {string} [l]  the bookmark, the unit to resume at (kept here only without an LMS)
 * @property {string} [k]  the day a level's certificate was first earned (certificate.js)
 * @property {Object<string, string>} [i]  the SCORM adapter's own key: interaction id -> signature of
 *     what the LMS holds (an adapter may keep keys of its own)
 *
 *   P2PCourseState.empty()                       a fresh document
 *   P2PCourseState.decode(text)                  a saved document, or null if unreadable or of another version
 *   P2PCourseState.prune(doc, blocks, unitIds)   forget blocks and units a re-published package no longer has
 *   P2PCourseState.status(doc, blocks, unitIds, grading, certificate)
 *       {progress, completed, unitsDone, grade (P2PGrader's answer or null), raw (0..100) and scaled (0..1)
 *        for the LMS (null when nothing can score), comparison (each pre-test beside its post-test,
 *        P2PGrader.compare's answer), interactions, passed ({<block id>: its report's passed}),
 *        certificate (P2PCertificate.check's answer for a level's terms, else null)}
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
    var restored;
    try { restored = global.P2PStateCodec.decode(text); } catch (ignored) { restored = null; }
    if (!restored || typeof restored !== "object" || restored.v !== DOC_VERSION) { return null; }
    return restored;
  }

  function prune(doc, blocks, unitIds) {
    Object.keys(doc.b).forEach(function (id) { if (!blocks[id]) { delete doc.b[id]; } });
    doc.u = doc.u.filter(function (id) { return unitIds.indexOf(id) >= 0; });
  }

  /* The course grade by the course's own grading policy (grader.js, as Open edX computes it): each
   * scored block's earned points from its report (null = not attempted, counted 0), its possible
   * points and weight from the build. Answers {result (P2PGrader's), raw (percent points for the
   * LMS), scaled (0..1)} or null when nothing in the course can score.
   *
   * A page that holds the whole course reports the course grade. A chapter's page (one SCO per
   * chapter) sees only its own blocks; the others count as not attempted, so the grade it computes
   * is exactly this chapter's share of the course grade: it reports that share as raw (the chapters'
   * raw scores add up to the course grade: an LMS's "sum of grades" method gives the course
   * grade) and, as scaled, the share of what this chapter can give (judged against the mastery score). */
  function grade(grading, outcomes) {
    if (!grading || !global.P2PGrader) { return null; }
    var scorable = false, elsewhere = false;
    function sheet(full) {
      return grading.subsections.map(function (subsection) {
        return {id: subsection.id, title: subsection.title, format: subsection.format, graded: subsection.graded,
          scores: subsection.blocks.map(function (block) {
            var outcome = outcomes[block.id], here = outcome !== undefined;
            scorable = scorable || (subsection.graded && block.possible > 0 && here);
            elsewhere = elsewhere || (subsection.graded && block.possible > 0 && !here);
            var earned = full && here ? block.possible : outcome && outcome.score ? outcome.score.earned : null;
            return {earned: earned, possible: block.possible, weight: block.weight};
          })};
      });
    }
    var result = global.P2PGrader.grade(grading.policy, sheet(false));
    if (!scorable) { return null; }
    if (!elsewhere) { return {result: result, raw: result.percent * 100, scaled: result.percent}; }
    var share = sum(result), most = sum(global.P2PGrader.grade(grading.policy, sheet(true)));
    return {result: result, raw: share * 100, scaled: most > 0 ? share / most : 0};
  }

  /* The pre-tests beside their post-tests (P2PGrader.compare), when this page holds both: a chapter's
   * page (one SCO per chapter) cannot see the other chapter's answers, so it shows no comparison. */
  function comparison(grading, outcomes) {
    if (!grading || !global.P2PGrader) { return []; }
    var byId = {};
    grading.subsections.forEach(function (subsection) { byId[subsection.id] = subsection; });
    var sheet = [];
    grading.subsections.forEach(function (pre) {
      var post = pre.pretest_for ? byId[pre.pretest_for] : undefined;
      if (!post) { return; }
      var both = pre.blocks.concat(post.blocks);
      if (!both.every(function (block) { return outcomes[block.id] !== undefined; })) { return; }
      [pre, post].forEach(function (subsection) {
        sheet.push({id: subsection.id, title: subsection.title, pretest_for: subsection === pre ? pre.pretest_for : undefined,
          scores: subsection.blocks.map(function (block) {
            var outcome = outcomes[block.id];
            return {earned: outcome && outcome.score ? outcome.score.earned : null, possible: block.possible, weight: block.weight};
          })});
      });
    });
    return global.P2PGrader.compare(sheet);
  }

  function sum(result) {  // the course percent before Open edX's rounding
    return result.types.reduce(function (total, type) { return total + type.contribution; }, 0);
  }

  /* A unit is done once visited and every block in it reports completed. Completion never goes
   * back once reached (doc.c): a learner who shortens an entry after finishing stays finished, as
   * the LMS keeps them. */
  function status(doc, blocks, unitIds, grading, certificate) {
    var blocksDone = {}, interactions = [], outcomes = {}, passed = {};
    Object.keys(blocks).forEach(function (id) {
      var block = blocks[id];
      var outcome = block.rules.report(block.rules.restore(doc.b[id] || null, block.content), block.content, id);
      outcomes[id] = outcome;
      passed[id] = outcome.passed === undefined ? null : outcome.passed;
      blocksDone[id] = !!outcome.completed;
      (outcome.interactions || []).forEach(function (item) { interactions.push({item: item, content: block.content}); });
    });
    var unitsDone = unitIds.map(function (unitId, index) {
      if (doc.u.indexOf(unitId) < 0) { return false; }
      return Object.keys(blocks).every(function (id) { return blocks[id].unit !== index || blocksDone[id]; });
    });
    var done = unitsDone.filter(Boolean).length;
    var completed = done === unitIds.length;
    if (completed) { doc.c = 1; } else if (doc.c) { completed = true; }
    var graded = grade(grading, outcomes);
    var earned = certificate && global.P2PCertificate
      ? global.P2PCertificate.check(certificate, {completed: completed, grade: graded ? graded.result : null, passed: passed}, doc)
      : null;
    return {
      progress: completed ? 1 : unitIds.length ? done / unitIds.length : 1,
      completed: completed,
      unitsDone: unitsDone,
      grade: graded ? graded.result : null,
      raw: graded ? graded.raw : null,
      scaled: graded ? graded.scaled : null,
      comparison: comparison(grading, outcomes),
      interactions: interactions,
      passed: passed,
      certificate: earned
    };
  }

  global.P2PCourseState = {version: DOC_VERSION, empty: empty, decode: decode, prune: prune, status: status};
})(typeof window !== "undefined" ? window : this);
