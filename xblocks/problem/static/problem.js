/* problem: an Open edX problem (capa subset) played offline. `rules` is the twin of
 * xblocks/problem/model.py (grading as xmodule/capa/responsetypes.py computes it); tests/vectors/problem
 * binds the two. The template draws the questions; this script wires answers, attempts, hints and feedback.
 * In Open edX the platform renders <problem> itself: this script runs only in the offline player. */
(function (global) {
  "use strict";
  if (global.P2PProblem) { return; } // the script may arrive once per block on a page

  var catalogue = {};
  var DEFAULT_TOLERANCE = "0.001%";
  var NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
  var MAX_TEXT = 500;

  function t(msgid) { return catalogue[msgid] || msgid; }
  function fmt(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values[name] === undefined ? all : String(values[name]); });
  }
  function isObject(value) { return value !== null && typeof value === "object" && !Array.isArray(value); }
  function refuse(message, status) { return global.P2PStore.refuse(message, status); }

  /* ------------------------------------------------------------------ grading */

  function parts(content) { return content.items.filter(function (item) { return item.kind; }); }

  // openedx/core/lib/grade_utils.py round_away_from_zero
  function roundAwayFromZero(number, digits) {
    var p = Math.pow(10, digits || 0);
    return number >= 0 ? Math.floor(number * p + 0.5) / p : Math.ceil(number * p - 0.5) / p;
  }

  function result(correctness, npoints) {
    var points = npoints !== undefined && npoints !== null ? npoints : (correctness === "correct" ? 1 : 0);
    return { correctness: correctness, points: points };
  }

  function gradeSingle(part, answer) {
    var chosen = part.choices.filter(function (c) { return c.id === answer; })[0];
    if (chosen && chosen.correct === "true") { return result("correct"); }
    if (chosen && chosen.correct === "partial" && part.partial_credit === "points") {
      return result("partially-correct", chosen.points);
    }
    return result("incorrect");
  }

  function gradeMultiple(part, answer) {
    var correct = {}, incorrect = {}, all = 0;
    part.choices.forEach(function (c) {
      if (c.correct === "true") { correct[c.id] = true; all += 1; }
      else if (c.correct === "false") { incorrect[c.id] = true; all += 1; }
    });
    var chosen = {};
    (Array.isArray(answer) ? answer : []).forEach(function (id) { chosen[id] = true; });
    var chosenIds = Object.keys(chosen);
    if (!chosenIds.length) { return result("incorrect"); }
    var goodAnswers = 0, badAnswers = 0, goodBlanks = 0, missed = 0;
    chosenIds.forEach(function (id) { if (correct[id]) { goodAnswers += 1; } if (incorrect[id]) { badAnswers += 1; } });
    Object.keys(correct).concat(Object.keys(incorrect)).forEach(function (id) {
      if (!chosen[id]) { if (incorrect[id]) { goodBlanks += 1; } if (correct[id]) { missed += 1; } }
    });
    if (part.partial_credit === "edc") {
      var current = goodAnswers + goodBlanks;
      if (current === all) { return result("correct"); }
      if (current > 0) { return result("partially-correct", roundAwayFromZero(1 * current / all, 2)); }
      return result("incorrect", 0);
    }
    if (part.partial_credit === "halves") {
      var errors = badAnswers + missed;
      if (errors === 0) { return result("correct", 1); }
      if (errors === 1 && all > 2) { return result("partially-correct", roundAwayFromZero(1 / 2, 2)); }
      if (errors === 2 && all > 4) { return result("partially-correct", roundAwayFromZero(1 / 4, 2)); }
      return result("incorrect");
    }
    var exact = chosenIds.length === Object.keys(correct).length && chosenIds.every(function (id) { return correct[id]; });
    return result(exact ? "correct" : "incorrect");
  }

  function gradeDropdown(part, answer) {
    var right = part.options.filter(function (o) { return o.correct === "true"; })[0].text;
    return result(answer === right ? "correct" : "incorrect");
  }

  // StringResponse.check_string: regexps joined as '^' + answers.join('|') + '$', as Open edX joins them
  function textMatches(part, expected, given) {
    if (!given) { return false; }
    if (part.regexp) {
      try {
        return new RegExp("^" + expected.join("|") + "$", part.case_insensitive ? "i" : "").test(given);
      } catch (ignored) {
        return false;
      }
    }
    if (part.case_insensitive) {
      var lower = given.toLowerCase();
      return expected.some(function (e) { return e.toLowerCase() === lower; });
    }
    return expected.indexOf(given) !== -1;
  }

  function gradeText(part, answer) {
    return result(textMatches(part, part.answers, String(answer || "").trim()) ? "correct" : "incorrect");
  }

  /* An exact decimal {digits: BigInt, exponent} of a double's shortest form (Python's repr, JS's String),
   * so tolerances compare as Open edX's Decimal(str(x)) does: never decided by float noise. */
  function decimal(number) {
    var match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/.exec(String(number));
    var fraction = match[3] || "";
    return { digits: BigInt(match[1] + match[2] + fraction), exponent: Number(match[4] || 0) - fraction.length };
  }
  function scaled(value, exponent) { // value.digits * 10^(value.exponent - exponent), exactly (no "**": ES5 syntax)
    var digits = value.digits, ten = BigInt(10);
    for (var n = value.exponent - exponent; n > 0; n--) { digits *= ten; }
    return digits;
  }
  function absDifferenceAtMost(a, b, limit) {
    var da = decimal(a), db = decimal(b), dl = decimal(limit);
    var low = Math.min(da.exponent, db.exponent, dl.exponent);
    var difference = scaled(da, low) - scaled(db, low);
    if (difference < 0) { difference = -difference; }
    return difference <= scaled(dl, low);
  }

  // xmodule/capa/util.py compare_with_tolerance, for real numbers, in the same order of float operations
  function withinTolerance(student, instructor, tolerance) {
    var relative = tolerance === DEFAULT_TOLERANCE, value;
    if (tolerance.charAt(tolerance.length - 1) === "%") {
      value = Number(tolerance.slice(0, -1)) * 0.01;
      if (!relative) { value = value * Math.abs(instructor); }
    } else {
      value = Number(tolerance);
    }
    if (relative) { value = value * Math.max(Math.abs(student), Math.abs(instructor)); }
    if (!isFinite(student) || !isFinite(instructor)) { return student === instructor; }
    return absDifferenceAtMost(student, instructor, value);
  }

  function parseNumber(text) {
    var trimmed = String(text || "").trim();
    return NUMBER.test(trimmed) ? Number(trimmed) : null;
  }

  function gradeNumeric(part, answer) {
    var student = parseNumber(answer);
    if (student === null) { return result("incorrect"); }
    if (withinTolerance(student, Number(part.answer), part.tolerance)) { return result("correct"); }
    if (part.additional_answers.some(function (extra) { return student === Number(extra); })) { return result("correct"); }
    return result("incorrect");
  }

  var GRADERS = { single: gradeSingle, multiple: gradeMultiple, dropdown: gradeDropdown, text: gradeText, numeric: gradeNumeric };

  function feedback(part, answer, graded) {
    if (part.kind === "single") {
      var chosen = part.choices.filter(function (c) { return c.id === answer; })[0];
      return chosen && chosen.hint ? [chosen.hint] : [];
    }
    if (part.kind === "multiple") {
      var selected = Array.isArray(answer) ? answer : [];
      return part.choices.map(function (c) {
        return selected.indexOf(c.id) !== -1 ? c.hint_selected : c.hint_unselected;
      }).filter(Boolean);
    }
    if (part.kind === "dropdown") {
      var option = part.options.filter(function (o) { return o.text === answer; })[0];
      return option && option.hint ? [option.hint] : [];
    }
    if (part.kind === "text") {
      var given = String(answer || "").trim();
      for (var i = 0; i < part.answers.length; i += 1) {
        if (textMatches(part, [part.answers[i]], given)) { return part.correct_hints[i] ? [part.correct_hints[i]] : []; }
      }
      for (var j = 0; j < part.wrong_hints.length; j += 1) {
        var wrong = part.wrong_hints[j].answer;
        if (part.case_insensitive ? wrong.toLowerCase() === given.toLowerCase() : wrong === given) {
          return [part.wrong_hints[j].hint];
        }
      }
      return [];
    }
    return graded.correctness === "correct" && part.correct_hint ? [part.correct_hint] : [];
  }

  function grade(content, answers) {
    var results = {}, earned = 0, possible = 0;
    parts(content).forEach(function (part) {
      var answer = answers[part.id];
      var graded = GRADERS[part.kind](part, answer);
      graded.hints = feedback(part, answer, graded);
      results[part.id] = graded;
      earned += graded.points;
      possible += 1;
    });
    if (content.weight !== null && possible > 0) { // lms/djangoapps/grades/scores.py weighted_score
      earned = earned * content.weight / possible;
      possible = content.weight;
    }
    return { parts: results, earned: earned, possible: possible };
  }

  /* ------------------------------------------------------------------ rules */

  function restore(saved, content) {
    var state = isObject(saved) ? saved : {};
    var ids = {};
    parts(content).forEach(function (part) { ids[part.id] = true; });
    var answers = {};
    if (isObject(state.answers)) {
      Object.keys(state.answers).forEach(function (key) { if (ids[key]) { answers[key] = state.answers[key]; } });
    }
    var attempts = state.attempts, hints = state.hints;
    return {
      attempts: Number.isInteger(attempts) && attempts >= 0 ? attempts : 0,
      answers: answers,
      hints: Number.isInteger(hints) && hints >= 0 && hints <= content.demand_hints.length ? hints : 0
    };
  }

  function closed(state, content) { return content.max_attempts !== null && state.attempts >= content.max_attempts; }

  // capa_block.answer_available without due dates (a package has none)
  function answerAvailable(state, content, graded) {
    var attempted = state.attempts > 0;
    var correct = graded !== null && attempted && graded.earned === graded.possible;
    var isClosed = closed(state, content);
    var rules = {
      always: true, answered: correct, attempted: attempted, attempted_no_past_due: attempted,
      closed: isClosed, finished: isClosed || correct, correct_or_past_due: correct,
      after_all_attempts: isClosed, after_all_attempts_or_correct: isClosed || correct
    };
    return rules[content.showanswer] || false;
  }

  function correctAnswers(content) {
    var out = {};
    parts(content).forEach(function (part) {
      if (part.kind === "single" || part.kind === "multiple") {
        var right = part.choices.filter(function (c) { return c.correct === "true"; }).map(function (c) { return c.id; });
        out[part.id] = part.kind === "single" ? right[0] : right;
      } else if (part.kind === "dropdown") {
        out[part.id] = part.options.filter(function (o) { return o.correct === "true"; })[0].text;
      } else if (part.kind === "text") {
        out[part.id] = part.regexp ? null : part.answers[0];
      } else {
        out[part.id] = part.answer;
      }
    });
    return out;
  }

  function view(state, content) {
    var graded = state.attempts > 0 ? grade(content, state.answers) : null;
    var limit = content.max_attempts;
    var available = answerAvailable(state, content, graded);
    return {
      attempts: state.attempts,
      attempts_left: limit === null ? null : Math.max(0, limit - state.attempts),
      answers: state.answers,
      results: graded ? graded.parts : null,
      score: graded ? { earned: graded.earned, possible: graded.possible } : null,
      hints: content.demand_hints.slice(0, state.hints),
      answer: available ? correctAnswers(content) : null,
      solution: available ? content.solution : ""
    };
  }

  function checkedAnswers(payload, content) {
    var answers = isObject(payload) ? payload.answers : null;
    if (!isObject(answers)) { throw refuse(t("Answer every question before you submit.")); }
    var checked = {};
    parts(content).forEach(function (part) {
      var value = answers[part.id];
      if (part.kind === "multiple") {
        var ids = part.choices.map(function (c) { return c.id; });
        if (!Array.isArray(value) || !value.length || !value.every(function (v) { return ids.indexOf(v) !== -1; })) {
          throw refuse(t("Select at least one option in each question."));
        }
        checked[part.id] = ids.filter(function (id) { return value.indexOf(id) !== -1; });
      } else if (part.kind === "single") {
        if (!part.choices.some(function (c) { return c.id === value; })) { throw refuse(t("Choose an answer in each question.")); }
        checked[part.id] = value;
      } else if (part.kind === "dropdown") {
        if (!part.options.some(function (o) { return o.text === value; })) { throw refuse(t("Choose an answer in each question.")); }
        checked[part.id] = value;
      } else {
        if (typeof value !== "string" || !value.trim() || value.length > MAX_TEXT) {
          throw refuse(t("Type an answer in each question."));
        }
        if (part.kind === "numeric" && parseNumber(value) === null) {
          throw refuse(t("Write a number, such as 30 or 2.5."));
        }
        checked[part.id] = value.trim();
      }
    });
    return checked;
  }

  var handlers = {
    state: function (state, payload, content) {
      state = restore(state, content);
      return { state: state, response: view(state, content) };
    },
    submit: function (state, payload, content) {
      state = restore(state, content);
      if (closed(state, content)) { throw refuse(t("You have used every attempt for this problem."), 409); }
      var answers = checkedAnswers(payload, content);
      state = { attempts: state.attempts + 1, answers: answers, hints: state.hints };
      return { state: state, response: view(state, content) };
    },
    hint: function (state, payload, content) {
      state = restore(state, content);
      if (state.hints >= content.demand_hints.length) { throw refuse(t("There are no more hints."), 409); }
      state = { attempts: state.attempts, answers: state.answers, hints: state.hints + 1 };
      return { state: state, response: view(state, content) };
    }
  };

  function plain(html) { return String(html).replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim(); }

  // The latest submission's raw score (the course grader applies the weight), null before any submission.
  function report(state, content, blockId) {
    state = restore(state, content);
    if (state.attempts === 0) { return { completed: false, score: null, interactions: [] }; }
    var graded = grade(content, state.answers), earned = 0, interactions = [];
    parts(content).forEach(function (part) {
      var outcome = graded.parts[part.id], answer = state.answers[part.id], type, response;
      earned += outcome.points;
      if (part.kind === "single" || part.kind === "multiple") {
        type = "choice"; response = Array.isArray(answer) ? answer : [answer];
      } else {
        type = part.kind === "numeric" ? "numeric" : "fill-in"; response = answer;
      }
      interactions.push({
        id: blockId ? blockId + "-" + part.id : part.id,
        type: type,
        description: plain(part.label),
        response: response,
        result: outcome.correctness === "correct" ? "correct" : (outcome.points === 0 ? "incorrect" : "neutral"),
        weighting: 1
      });
    });
    return { completed: true, score: { earned: earned, possible: interactions.length }, interactions: interactions };
  }

  var rules = global.P2PStore.rules(restore, handlers, report);

  /* ------------------------------------------------------------------ the page */

  var CORRECTNESS = {
    correct: function () { return t("Correct"); },
    "partially-correct": function () { return t("Partially correct"); },
    incorrect: function () { return t("Incorrect"); }
  };

  function points(value) { return Math.round(value * 100) / 100; }

  function mount(element, store, data) {
    catalogue = data.i18n || {};
    var content = data.content;
    var form = element.querySelector(".p2p-problem__form");
    var submit = element.querySelector(".p2p-problem__submit");
    var hintButton = element.querySelector(".p2p-problem__hint-button");
    var status = element.querySelector(".p2p-problem__status");
    var attemptsText = element.querySelector(".p2p-problem__attempts");
    var hintList = element.querySelector(".p2p-problem__hints");
    var solution = element.querySelector(".p2p-problem__solution");

    function answers() {
      var out = {};
      parts(content).forEach(function (part) {
        var box = form.querySelector('[data-part="' + part.id + '"]');
        if (part.kind === "single") {
          var picked = box.querySelector("input:checked");
          if (picked) { out[part.id] = picked.value; }
        } else if (part.kind === "multiple") {
          out[part.id] = Array.prototype.map.call(box.querySelectorAll("input:checked"), function (input) { return input.value; });
        } else if (part.kind === "dropdown") {
          var select = box.querySelector("select");
          if (select.value) { out[part.id] = select.value; }
        } else {
          out[part.id] = box.querySelector("input").value;
        }
      });
      return out;
    }

    function fill(view) {
      parts(content).forEach(function (part) {
        var box = form.querySelector('[data-part="' + part.id + '"]');
        var answer = view.answers[part.id];
        if (answer !== undefined) {
          if (part.kind === "single" || part.kind === "multiple") {
            var chosen = Array.isArray(answer) ? answer : [answer];
            Array.prototype.forEach.call(box.querySelectorAll("input"), function (input) { input.checked = chosen.indexOf(input.value) !== -1; });
          } else if (part.kind === "dropdown") {
            box.querySelector("select").value = answer;
          } else {
            box.querySelector("input").value = answer;
          }
        }
        var note = box.querySelector(".p2p-problem__feedback");
        var outcome = view.results && view.results[part.id];
        note.textContent = "";
        note.hidden = !outcome;
        box.setAttribute("data-correctness", outcome ? outcome.correctness : "");
        if (outcome) {
          var head = document.createElement("p");
          head.className = "p2p-problem__verdict";
          head.textContent = CORRECTNESS[outcome.correctness]();
          note.appendChild(head);
          outcome.hints.forEach(function (hint) {
            var p = document.createElement("div");
            p.className = "p2p-problem__hint-text";
            p.innerHTML = hint; // author HTML, checked by the builder
            note.appendChild(p);
          });
        }
        var shown = box.querySelector(".p2p-problem__answer");
        var right = view.answer ? view.answer[part.id] : null;
        shown.hidden = right === null || right === undefined;
        if (!shown.hidden) {
          var text = right;
          if (part.kind === "single" || part.kind === "multiple") {
            var ids = Array.isArray(right) ? right : [right];
            text = part.choices.filter(function (c) { return ids.indexOf(c.id) !== -1; }).map(function (c) { return plain(c.html); }).join("; ");
          }
          shown.textContent = fmt(t("Answer: {answer}"), { answer: text });
        }
      });
      if (view.attempts_left === null) {
        attemptsText.textContent = view.attempts ? fmt(t("Attempts used: {used}"), { used: view.attempts }) : "";
      } else {
        attemptsText.textContent = fmt(t("You have used {used} of {limit} attempts."), { used: view.attempts, limit: view.attempts + view.attempts_left });
      }
      submit.disabled = view.attempts_left === 0;
      if (hintButton) {
        hintButton.disabled = view.hints.length >= content.demand_hints.length;
        hintList.innerHTML = "";
        view.hints.forEach(function (hint, index) {
          var li = document.createElement("li");
          li.innerHTML = fmt(t("Hint {n}:"), { n: index + 1 }).replace(/</g, "&lt;") + " " + hint;
          hintList.appendChild(li);
        });
      }
      solution.hidden = !view.solution;
      if (view.solution) { solution.querySelector(".p2p-problem__solution-body").innerHTML = view.solution; }
    }

    function announce(text) { status.textContent = text; }

    function failed(error) {
      announce(error && error.message ? error.message : t("The answer could not be saved."));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      store.call("submit", { answers: answers() }).then(function (view) {
        fill(view);
        var summary = fmt(t("Your score: {earned} of {possible} points."), { earned: points(view.score.earned), possible: points(view.score.possible) });
        var verdicts = parts(content).map(function (part) { return CORRECTNESS[view.results[part.id].correctness](); });
        announce((verdicts.length === 1 ? verdicts[0] + ". " : "") + summary);
      }, failed);
    });
    if (hintButton) {
      hintButton.addEventListener("click", function () {
        store.call("hint", {}).then(function (view) {
          fill(view);
          announce(fmt(t("Hint {n}:"), { n: view.hints.length }) + " " + plain(view.hints[view.hints.length - 1]));
        }, failed);
      });
    }
    fill(data.state);
    return Promise.resolve();
  }

  global.P2PProblem = { mount: mount, rules: rules, grade: grade, roundAwayFromZero: roundAwayFromZero };
  if (typeof module !== "undefined" && module.exports) { module.exports = global.P2PProblem; }
})(typeof window !== "undefined" ? window : globalThis);
