/* What Moodle 5.1.3's SCORM run-time accepts for each element a package writes (the formats of
 * mod/scorm/datamodels/scorm_12.js and scorm_13.js, checked the way its SetValue checks them: the
 * pattern must match, as a JavaScript RegExp, a non-empty part of the value or the whole of an empty
 * one), the SCORM vocabularies, and what we promise beyond them (timestamps on the learner's clock
 * with the offset where 2004 allows one). Loaded into the stand-in LMS page by the tests:
 *
 *   P2PMoodleFormats.problems(version, [[element, value], ...]) -> [[element, value, why], ...]
 */
/* global window */
(function (global) {
  "use strict";

  // SCORM 2004 (scorm_13.js).
  var S2004 = {
    CMIString250: "^[\\u0000-\\uFFFF]{0,250}$",
    CMIString1000: "^[\\u0000-\\uFFFF]{0,1000}$",
    CMIString4000: "^[\\u0000-\\uFFFF]{0,4000}$",
    CMIString64000: "^[\\u0000-\\uFFFF]{0,64000}$",
    CMILangString250: "^(\\{lang=([a-zA-Z]{2,3}|i|x)(\\-[a-zA-Z0-9\\-]{2,8})?\\})?([^\\{].{0,250}$)?",
    CMILangString4000: "^(\\{lang=([a-zA-Z]{2,3}|i|x)(\\-[a-zA-Z0-9\\-]{2,8})?\\})?([^\\{].{0,4000}$)?",
    CMITime: "^(19[7-9]{1}[0-9]{1}|20[0-2]{1}[0-9]{1}|203[0-8]{1})((-(0[1-9]{1}|1[0-2]{1}))((-(0[1-9]{1}|[1-2]{1}[0-9]{1}|3[0-1]{1}))(T([0-1]{1}[0-9]{1}|2[0-3]{1})((:[0-5]{1}[0-9]{1})((:[0-5]{1}[0-9]{1})((\\.[0-9]{1,2})((Z|([+|-]([0-1]{1}[0-9]{1}|2[0-3]{1})))(:[0-5]{1}[0-9]{1})?)?)?)?)?)?)?)?$",
    CMITimespan: "^P(\\d+Y)?(\\d+M)?(\\d+D)?(T(((\\d+H)(\\d+M)?(\\d+(.\\d{1,2})?S)?)|((\\d+M)(\\d+(.\\d{1,2})?S)?)|((\\d+(.\\d{1,2})?S))))?$",
    CMIDecimal: "^-?([0-9]{1,5})(\\.[0-9]{1,18})?$",
    CMIIdentifier: "^\\S{1,250}[a-zA-Z0-9]$",
    CMIShortIdentifier: "^[\\w.]{1,250}$",
    CMILongIdentifier: "^(?:(?!urn:)\\S{1,4000}|urn:[A-Za-z0-9-]{1,31}:\\S{1,4000})$",
    CMICStatus: "^completed$|^incomplete$|^not attempted$|^unknown$",
    CMISStatus: "^passed$|^failed$|^unknown$",
    CMIExit: "^time-out$|^suspend$|^logout$|^normal$|^$",
    CMIType: "^true-false$|^choice$|^(long-)?fill-in$|^matching$|^performance$|^sequencing$|^likert$|^numeric$|^other$",
    CMIResult: "^correct$|^incorrect$|^unanticipated$|^neutral$|^-?([0-9]{1,4})(\\.[0-9]{1,18})?$",
    NAVEvent: "^previous$|^continue$|^exit$|^exitAll$|^abandon$|^abandonAll$|^suspendAll$|^\\{target=\\S{0,200}[a-zA-Z0-9]\\}choice|jump$"
  };
  // learner_response by interaction type: item format, how many, delimiter, unique.
  var RESPONSES_2004 = {
    "true-false": {format: "^true$|^false$", max: 1, delimiter: ""},
    "choice": {format: S2004.CMIShortIdentifier, max: 36, delimiter: "[,]", unique: true},
    "fill-in": {format: S2004.CMILangString250, max: 10, delimiter: "[,]"},
    "long-fill-in": {format: S2004.CMILangString4000, max: 1, delimiter: ""},
    "likert": {format: S2004.CMIShortIdentifier, max: 1, delimiter: ""},
    "numeric": {format: S2004.CMIDecimal, max: 1, delimiter: ""},
    "other": {format: S2004.CMIString4000, max: 1, delimiter: ""}
  };
  var ELEMENTS_2004 = {
    "cmi.location": S2004.CMIString1000, "cmi.exit": S2004.CMIExit, "cmi.session_time": S2004.CMITimespan,
    "cmi.suspend_data": S2004.CMIString64000, "cmi.completion_status": S2004.CMICStatus,
    "cmi.success_status": S2004.CMISStatus, "cmi.progress_measure": S2004.CMIDecimal,
    "cmi.score.scaled": S2004.CMIDecimal, "cmi.score.raw": S2004.CMIDecimal, "cmi.score.min": S2004.CMIDecimal,
    "cmi.score.max": S2004.CMIDecimal, "adl.nav.request": S2004.NAVEvent,
    "cmi.interactions.n.id": S2004.CMILongIdentifier, "cmi.interactions.n.type": S2004.CMIType,
    "cmi.interactions.n.timestamp": S2004.CMITime, "cmi.interactions.n.weighting": S2004.CMIDecimal,
    "cmi.interactions.n.result": S2004.CMIResult, "cmi.interactions.n.description": S2004.CMILangString250
  };
  var RANGES_2004 = {"cmi.progress_measure": [0, 1], "cmi.score.scaled": [-1, 1]};

  // SCORM 1.2 (scorm_12.js; CMIString256/4096 as scorm_12.php sets them in its strict mode).
  var S12 = {
    CMIString256: "^[\\u0000-\\uFFFF]{0,255}$",
    CMIString4096: "^[\\u0000-\\uFFFF]{0,4096}$",
    CMITime: "^([0-2]{1}[0-9]{1}):([0-5]{1}[0-9]{1}):([0-5]{1}[0-9]{1})(.[0-9]{1,2})?$",
    CMITimespan: "^([0-9]{2,4}):([0-9]{2}):([0-9]{2})(.[0-9]{1,2})?$",
    CMIDecimal: "^-?([0-9]{0,3})(.[0-9]*)?$",
    CMIIdentifier: "^[\\u0021-\\u007E]{0,255}$",
    CMIStatus: "^passed$|^completed$|^failed$|^incomplete$|^browsed$",
    CMIExit: "^time-out$|^suspend$|^logout$|^$",
    CMIType: "^true-false$|^choice$|^fill-in$|^matching$|^performance$|^sequencing$|^likert$|^numeric$",
    CMIResult: "^correct$|^wrong$|^unanticipated$|^neutral$|^([0-9]{0,3})?(.[0-9]*)?$",
    NAVEvent: "^previous$|^continue$"
  };
  var ELEMENTS_12 = {
    "cmi.core.lesson_location": S12.CMIString256, "cmi.core.lesson_status": S12.CMIStatus,
    "cmi.core.exit": S12.CMIExit, "cmi.core.session_time": S12.CMITimespan, "cmi.suspend_data": S12.CMIString4096,
    "cmi.core.score.raw": S12.CMIDecimal, "cmi.core.score.min": S12.CMIDecimal, "cmi.core.score.max": S12.CMIDecimal,
    "cmi.interactions.n.id": S12.CMIIdentifier, "cmi.interactions.n.type": S12.CMIType,
    "cmi.interactions.n.time": S12.CMITime, "cmi.interactions.n.weighting": S12.CMIDecimal,
    "cmi.interactions.n.student_response": S12.CMIString256, "cmi.interactions.n.result": S12.CMIResult,
    "nav.event": S12.NAVEvent
  };
  var RANGES_12 = {"cmi.core.score.raw": [0, 100], "cmi.core.score.min": [0, 100], "cmi.core.score.max": [0, 100],
    "cmi.interactions.n.weighting": [-100, 100]};
  // The SCORM 1.2 vocabulary of student_response (RTE 3.4.2.x): one character 0-9/a-z per choice.
  var RESPONSES_12 = {
    "choice": /^[0-9a-z](,[0-9a-z])*$/, "likert": /^[0-9a-z]?$/, "true-false": /^[01tf]$/,
    "numeric": /^-?[0-9]*(\.[0-9]*)?$/
  };

  /* Moodle's own test: a match of a non-empty part, or of the whole of an empty value. */
  function moodleAccepts(pattern, value) {
    var matches = String(value).match(new RegExp(pattern));
    return matches !== null && (matches.join("").length > 0 || String(value).length === 0);
  }

  function problems(version, calls) {
    var found = [], types = {};
    var elements = version === "scorm12" ? ELEMENTS_12 : ELEMENTS_2004;
    var ranges = version === "scorm12" ? RANGES_12 : RANGES_2004;
    calls.forEach(function (call) {
      var element = call[0], value = String(call[1]);
      var model = element.replace(/\.\d+\./g, ".n.");
      var index = (/^cmi\.interactions\.(\d+)\./.exec(element) || [])[1];
      function bad(why) { found.push([element, value, why]); }
      if (model === "cmi.interactions.n.type") { types[index] = value; }
      if (model === "cmi.interactions.n.learner_response") {
        var rule = RESPONSES_2004[types[index]];
        if (!rule) { bad("a learner_response before its type, or a type we do not write"); return; }
        var items = rule.delimiter ? value.split(rule.delimiter) : [value];
        if (items.length > rule.max) { bad("more than " + rule.max + " items"); }
        if (rule.unique && new Set(items).size !== items.length) { bad("the same item twice"); }
        items.forEach(function (item) { if (!moodleAccepts(rule.format, item)) { bad("item " + JSON.stringify(item) + " is not " + rule.format); } });
        return;
      }
      if (model === "cmi.interactions.n.student_response") {
        var vocabulary = RESPONSES_12[types[index]];
        if (vocabulary && !vocabulary.test(value)) { bad("not the SCORM 1.2 vocabulary of " + types[index]); }
      }
      if (!(model in elements)) { bad("an element this check does not know: add its format"); return; }
      if (!moodleAccepts(elements[model], value)) { bad("Moodle refuses it: " + elements[model]); }
      if (model in ranges && (Number(value) < ranges[model][0] || Number(value) > ranges[model][1])) {
        bad("outside " + ranges[model].join(".."));
      }
      if (model === "cmi.interactions.n.timestamp" && !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{1,2}[+-]\d\d:\d\d$/.test(value)) {
        bad("not a full timestamp with the learner's offset");
      }
      if (model === "cmi.interactions.n.id" && version === "scorm2004" && !moodleAccepts(S2004.CMIIdentifier, value)) {
        bad("not an identifier ending in a letter or digit");
      }
    });
    return found;
  }

  global.P2PMoodleFormats = {problems: problems};
})(window);
