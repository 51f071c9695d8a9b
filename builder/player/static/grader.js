/* The course grade as Open edX computes it, for the SCORM player: the JavaScript half of one grader
 * (the Python half is builder/grading.py; tests/vectors/grader/ holds the two equal, so keep every
 * step and its rounding the same in both).
 *
 *   P2PGrader.grade(policy, subsections) -> {percent, letter, passed, pass_mark, types: [...]}
 *   P2PGrader.compare(subsections) -> [{pre, post, questions: [{pre, post}]}]  (pre-test beside post-test)
 *
 * policy is grading_policy.json ({GRADER, GRADE_CUTOFFS}); a subsection is {id, title, format,
 * graded, scores: [{earned (null = not attempted), possible, weight}]}.
 */
(function (global) {
  "use strict";

  function roundHalfEven(value, digits) {  // numpy's around, as Open edX rounds a subsection
    var scale = Math.pow(10, digits), scaled = value * scale, rounded = Math.round(scaled);
    if (Math.abs(scaled % 1) === 0.5 && rounded % 2 !== 0) { rounded -= 1; }
    return rounded / scale;
  }

  function roundAwayFromZero(value) {
    return value > 0 ? Math.floor(value + 0.5) : Math.ceil(value - 0.5);
  }

  function subsectionTotal(scores) {
    var earned = 0, possible = 0, attempted = false;
    scores.forEach(function (score) {
      var rawPossible = Number(score.possible);
      var rawEarned = score.earned === null || score.earned === undefined ? 0 : Number(score.earned);
      attempted = attempted || (score.earned !== null && score.earned !== undefined);
      var weight = score.weight;
      if (weight !== null && weight !== undefined && rawPossible !== 0) {  // the author's weight is the block's possible
        rawEarned = rawEarned * weight / rawPossible;
        rawPossible = Number(weight);
      }
      earned += rawEarned;
      possible += rawPossible;
    });
    return {earned: earned, possible: possible, attempted: attempted};
  }

  function assignmentType(found, entry) {
    var count = Math.max(Math.trunc(Number(entry.min_count || 0)), found.length);
    var items = [];
    for (var index = 0; index < count; index++) {
      if (index < found.length) {
        items.push(Object.assign({}, found[index], {placeholder: false, dropped: false}));
      } else {  // fewer subsections of this type than the policy expects: each missing one counts 0
        items.push({id: null, title: null, earned: 0, possible: 0, percent: 0, attempted: false,
          placeholder: true, dropped: false});
      }
    }
    var drop = Math.trunc(Number(entry.drop_count || 0));
    var ranked = items.map(function (item, at) { return at; });
    ranked.sort(function (a, b) { return items[b].percent - items[a].percent; });  // stable, as Open edX's
    var dropped = drop > 0 ? ranked.slice(-drop) : [];
    var total = 0;
    items.forEach(function (item, at) {
      if (dropped.indexOf(at) >= 0) { item.dropped = true; } else { total += item.percent; }
    });
    if (count - drop > 0) { total /= count - drop; }
    return {average: total, items: items};
  }

  function grade(policy, subsections) {
    var byFormat = {};
    subsections.forEach(function (subsection) {
      var sum = subsectionTotal(subsection.scores || []);
      if (subsection.graded && sum.possible > 0) {
        var kind = subsection.format || "";
        (byFormat[kind] = byFormat[kind] || []).push({
          id: subsection.id, title: subsection.title, earned: sum.earned, possible: sum.possible,
          percent: roundHalfEven(sum.earned / sum.possible, 4), attempted: sum.attempted
        });
      }
    });
    var total = 0, types = [];
    (policy.GRADER || []).forEach(function (entry) {
      var weight = entry.weight === undefined ? 0 : entry.weight;
      var result = assignmentType(Object.prototype.hasOwnProperty.call(byFormat, entry.type) ? byFormat[entry.type] : [], entry);
      var contribution = result.average * weight;
      total += contribution;
      types.push({type: entry.type, weight: weight, min_count: Math.trunc(Number(entry.min_count || 0)),
        drop_count: Math.trunc(Number(entry.drop_count || 0)), percent: result.average,
        contribution: contribution, items: result.items});
    });
    var percent = roundAwayFromZero(total * 100 + 0.05) / 100;
    var cutoffs = policy.GRADE_CUTOFFS || {};
    var names = Object.keys(cutoffs).sort(function (a, b) { return cutoffs[b] - cutoffs[a]; });
    var letter = null;
    for (var i = 0; i < names.length; i++) {
      if (percent >= cutoffs[names[i]]) { letter = names[i]; break; }
    }
    var passing = Object.keys(cutoffs).map(function (name) { return cutoffs[name]; }).filter(function (v) { return v > 0; });
    var passMark = passing.length ? Math.min.apply(null, passing) : null;
    return {percent: percent, letter: letter, passed: passMark !== null && percent >= passMark,
      pass_mark: passMark, types: types};
  }

  /* Each pre-test (a subsection with pretest_for naming its post-test) beside its post-test, question
   * by question: grading.py's compare, step for step. A question's side is the fraction of its
   * points earned, or null when not answered. */
  function compare(subsections) {
    var byId = {};
    subsections.forEach(function (subsection) { byId[subsection.id] = subsection; });
    function side(subsection) {
      var sum = subsectionTotal(subsection.scores || []);
      return {id: subsection.id, title: subsection.title, earned: sum.earned, possible: sum.possible,
        percent: sum.attempted && sum.possible > 0 ? roundHalfEven(sum.earned / sum.possible, 4) : null,
        attempted: sum.attempted};
    }
    function fraction(score) {
      if (!score || score.earned === null || score.earned === undefined || !Number(score.possible)) { return null; }
      return roundHalfEven(Number(score.earned) / Number(score.possible), 4);
    }
    var pairs = [];
    subsections.forEach(function (pre) {
      var post = pre.pretest_for ? byId[pre.pretest_for] : undefined;
      if (!post) { return; }
      var before = pre.scores || [], after = post.scores || [], questions = [];
      for (var n = 0; n < Math.max(before.length, after.length); n++) {
        questions.push({pre: fraction(before[n]), post: fraction(after[n])});
      }
      pairs.push({pre: side(pre), post: side(post), questions: questions});
    });
    return pairs;
  }

  var api = {grade: grade, compare: compare};
  if (typeof module !== "undefined" && module.exports) { module.exports = api; }
  global.P2PGrader = api;
})(typeof window !== "undefined" ? window : globalThis);
