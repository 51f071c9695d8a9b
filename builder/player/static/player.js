/* The player shell: table of contents, previous/next, progress, bookmark; mounts every block
 * with an offline store whose slot is the run-time adapter's (see docs/decisions/0001).
 *
 * The adapter is the global named by data.runtime (P2PScorm for SCORM 1.2 and 2004). Its
 * start(data, ui) answers the runtime the shell drives (ui: {notice, error, changed(status), room(info)}):
 *   register(blockId, rules, content, unit)  every block, before begin()
 *   begin() -> the bookmarked unit index, or -1
 *   slot(blockId) -> {load, save}             the block's persistence, for P2PStore.offline
 *   visit(unitIndex)                          the learner opened a unit
 *   saved(blockId)                            a block's saved state (null if none)
 *   learner()                                 {name, id} of the learner as the LMS gives them ("" when unknown)
 *   finish()                                  the sitting ends (on pagehide), once
 *   onward()                                  {title, go()} when the LMS lets the player open the next
 *                                             page (a chapter's SCO), else null (optional)
 */
(function (global) {
  "use strict";

  var doc = global.document;
  var data = JSON.parse(doc.getElementById("p2p-data").textContent);
  var i18n = data.i18n || {};
  function t(text) { return i18n[text] || text; }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  var sections = Array.prototype.slice.call(doc.querySelectorAll(".p2p-unit"));
  var links = Array.prototype.slice.call(doc.querySelectorAll(".p2p-toc a[data-unit]"));
  var prev = doc.getElementById("p2p-prev");
  var next = doc.getElementById("p2p-next");
  var position = doc.getElementById("p2p-position");
  var bar = doc.getElementById("p2p-progress-bar");
  var percent = doc.getElementById("p2p-progress-text");
  var toc = doc.getElementById("p2p-toc");
  var tocToggle = doc.getElementById("p2p-toc-toggle");
  var noticeBox = doc.getElementById("p2p-notice");
  var errorBox = doc.getElementById("p2p-error");
  var resultSection = doc.getElementById("p2p-result");
  var resultBody = doc.getElementById("p2p-result-body");
  var resultLink = doc.getElementById("p2p-result-link");
  var current = 0, lastStatus = null;

  function notice(text) { noticeBox.textContent = text; }
  function error(text) { errorBox.textContent = text; }

  function percentText(fraction) { return String(Math.round(fraction * 1000) / 10); }

  function add(parent, tag, text) {
    var node = parent.appendChild(doc.createElement(tag));
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* The result page: the course grade by the grading policy (the same one Open edX applies), per
   * assignment type what counts, what is missing and the pass mark. Learner-facing, so plain words. */
  function drawResult(state) {
    resultBody.textContent = "";
    drawOnward();
    drawGrade(state);
    // A pathway level's package: its certificate, or what the level still needs (certificate.js).
    if (data.certificate && global.P2PCertificate) {
      global.P2PCertificate.draw(resultBody, data, state && state.certificate, runtime.learner ? runtime.learner() : null);
    }
  }

  /* A chapter's page: how to reach the next chapter (the Next button, or the LMS's own menu). */
  function drawOnward() {
    if (!data.next_page) { return; }
    var onward = runtime.onward ? runtime.onward() : null;
    add(resultBody, "p", format(onward ? t("Next chapter: {title}. The Next chapter button opens it.")
      : t("To go on, open the next chapter, {title}, from your LMS's menu."), {title: data.next_page.title}));
  }

  function drawGrade(state) {
    var grade = state && state.grade;
    if (!grade) { add(resultBody, "p", t("This course has no graded work.")); return; }
    var summary = add(resultBody, "p");
    summary.className = "p2p-result-grade";
    summary.textContent = grade.pass_mark === null
      ? format(t("Your course grade: {percent}%."), {percent: Math.round(grade.percent * 100)})
      : format(t("Your course grade: {percent}%. Pass mark: {mark}%."), {percent: Math.round(grade.percent * 100), mark: Math.round(grade.pass_mark * 100)});
    if (grade.pass_mark !== null) {
      add(resultBody, "p", grade.passed ? t("You have passed.")
        : t("Not passed yet. Work that is not done counts 0, so finishing it raises your grade; you can also improve what you did."));
    }
    grade.types.forEach(function (type) {
      add(resultBody, "h3", format(t("{type}: {weight}% of the course grade"), {type: type.type, weight: percentText(type.weight)}));
      var count = type.items.length - type.drop_count;
      add(resultBody, "p", (type.drop_count > 0
        ? format(t("What counts: the average of your best {count} of {total}."), {count: count, total: type.items.length})
        : format(t("What counts: the average of all {count}."), {count: type.items.length})) + " " +
        format(t("Your average: {percent}%."), {percent: percentText(type.percent)}));
      var list = add(resultBody, "ul");
      type.items.forEach(function (item) {
        var text = item.placeholder ? t("An assignment the grading policy expects but this course does not have: counts 0.")
          : !item.attempted ? format(t("{title}: not done yet (counts 0)."), {title: item.title})
          : format(t("{title}: {percent}%."), {title: item.title, percent: percentText(item.percent)});
        if (item.dropped) { text += " " + t("Dropped: one of the lowest."); }
        add(list, "li", text);
      });
    });
    drawComparison(state);
  }

  /* Each pre-test beside its post-test, question by question (question n of each asks about the same
   * idea), so learners see what they have learned. A table with a caption and header cells, read in
   * order by screen readers. */
  function drawComparison(state) {
    var pairs = (state && state.comparison) || [];
    pairs.forEach(function (pair) {
      add(resultBody, "h3", t("Before and after: your pre-test and post-test"));
      function total(side) {
        return side.attempted
          ? format(t("{earned} of {possible} ({percent}%)"), {earned: String(Math.round(side.earned * 100) / 100),
            possible: String(side.possible), percent: percentText(side.percent)})
          : t("Not done yet");
      }
      add(resultBody, "p", format(t("Pre-test: {pre}. Post-test: {post}."), {pre: total(pair.pre), post: total(pair.post)}));
      var table = add(resultBody, "table");
      table.className = "p2p-result-compare";
      add(table, "caption", t("Question by question: each post-test question asks about the same idea as the pre-test question beside it."));
      var head = add(add(table, "thead"), "tr");
      [t("Question"), pair.pre.title, pair.post.title].forEach(function (text) {
        var cell = add(head, "th", text);
        cell.setAttribute("scope", "col");
      });
      var body = add(table, "tbody");
      function cell(value) {
        return value === null ? t("Not answered") : value === 1 ? t("Correct") : value === 0 ? t("Not correct")
          : format(t("Partly correct ({percent}%)"), {percent: percentText(value)});
      }
      pair.questions.forEach(function (question, n) {
        var row = add(body, "tr");
        add(row, "th", format(t("Question {n}"), {n: n + 1})).setAttribute("scope", "row");
        add(row, "td", cell(question.pre));
        add(row, "td", cell(question.post));
      });
    });
  }

  function changed(state) {
    lastStatus = state;
    if (!resultSection.hidden) { drawResult(state); }
    var value = Math.round(state.progress * 100);
    bar.value = value;
    percent.textContent = value + "%";
    links.forEach(function (link, index) {
      var done = !!(state.unitsDone && state.unitsDone[index]);
      link.classList.toggle("p2p-done", done);
      link.querySelector(".p2p-toc-mark").textContent = done ? "✓" : "";
      if (done) { link.setAttribute("title", t("Done")); } else { link.removeAttribute("title"); }
    });
  }

  /* The course-wide meter of the room the LMS keeps for this page's state (SCORM 1.2: 4,096
   * characters), shown where a journal can fill it: the learner is told before it is full, and
   * when journal text is kept only in this browser (it is also in the downloaded journal). Progress,
   * completion, score and the role-plays always have room. Changes are announced once each. */
  var roomBox = doc.getElementById("p2p-room");
  var roomMeter = doc.getElementById("p2p-room-meter");
  var roomText = doc.getElementById("p2p-room-text");
  var roomStatus = doc.getElementById("p2p-room-status");
  var roomDownload = doc.getElementById("p2p-room-download");
  var hasJournal = data.blocks.some(function (block) { return block.global === "P2PJournal"; });
  var ROOM_NEARLY_FULL = 0.8, SMALL_ROOM = 4096;

  function room(info) {
    if (!hasJournal) { return; }
    var used = Math.min(100, Math.round(info.used * 100));
    var nearly = !info.held && info.used >= ROOM_NEARLY_FULL;
    roomBox.hidden = info.capacity > SMALL_ROOM && !nearly && !info.held && !info.elsewhere;
    roomMeter.value = used;
    roomText.textContent = format(t("{percent}% used"), {percent: used});
    var message = [];
    if (info.held) {
      message.push(info.local
        ? format(t("Your LMS has no room for more journal text in this course: {n} of your texts are kept in full only in this browser. Download your journal to keep them."), {n: info.held})
        : t("Your LMS has no room for more journal text in this course, and this browser cannot keep it either: download your journal before you leave."));
      message.push(t("Your progress, completion and score are still saved in your LMS."));
    } else if (nearly) {
      message.push(t("The space your LMS keeps for this course is nearly full. Journal text that does not fit will stay in this browser and in your downloaded journal; your progress and score are always saved."));
    }
    if (info.elsewhere) {
      message.push(format(t("{n} of your journal entries were written in another browser: their text is kept there and in the journal you downloaded there. They still count."), {n: info.elsewhere}));
    }
    message = message.join(" ");
    if (roomStatus.textContent !== message) { roomStatus.textContent = message; }
    roomDownload.hidden = !info.held;
  }

  roomDownload.addEventListener("click", function () {
    if (global.P2PJournal) { global.P2PJournal.download(global.P2PJournal.collect(), data.lang); }
  });

  var runtime = global[data.runtime].start(data, {notice: notice, error: error, changed: changed, room: room});

  function show(index, moveFocus) {
    if (index < 0 || index >= sections.length) { return; }
    current = index;
    resultSection.hidden = true;
    doc.body.classList.remove("p2p-certificate-shown");
    resultLink.removeAttribute("aria-current");
    sections.forEach(function (section, n) { section.hidden = n !== index; });
    links.forEach(function (link, n) {
      if (n === index) { link.setAttribute("aria-current", "page"); } else { link.removeAttribute("aria-current"); }
    });
    prev.disabled = index === 0;
    next.disabled = false;  // after the last unit: the result page
    next.textContent = t("Next");
    position.textContent = format(t("Unit {n} of {total}"), {n: index + 1, total: sections.length});
    runtime.visit(index);
    if (moveFocus) {
      global.scrollTo(0, 0);
      sections[index].querySelector(".p2p-unit-title").focus();
    }
  }

  function showResult() {
    current = sections.length;
    sections.forEach(function (section) { section.hidden = true; });
    links.forEach(function (link) { link.removeAttribute("aria-current"); });
    resultLink.setAttribute("aria-current", "page");
    resultSection.hidden = false;
    drawResult(lastStatus || runtime.status());
    prev.disabled = sections.length === 0;
    var onward = runtime.onward ? runtime.onward() : null;  // a chapter's page: the next chapter
    next.disabled = !onward;
    next.textContent = onward ? t("Next chapter") : t("Next");
    position.textContent = t("Your result");
    global.scrollTo(0, 0);
    doc.getElementById("p2p-result-title").focus();
  }

  prev.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () {
    if (current >= sections.length) { goOnward(); }
    else if (current + 1 >= sections.length) { showResult(); } else { show(current + 1, true); }
  });

  /* From a chapter's result page to the next chapter: the LMS opens it (see the runtime's onward). */
  function goOnward() {
    var onward = runtime.onward ? runtime.onward() : null;
    if (!onward) { return; }
    next.disabled = true;
    notice(format(t("Opening the next chapter, {title}..."), {title: onward.title}));
    onward.go();
  }
  resultLink.addEventListener("click", function (event) {
    event.preventDefault();
    showResult();
    if (tocToggle.getAttribute("aria-expanded") === "true") { tocToggle.click(); }
  });
  links.forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      show(parseInt(link.getAttribute("data-unit"), 10), true);
      if (tocToggle.getAttribute("aria-expanded") === "true") { tocToggle.click(); }
    });
  });
  tocToggle.addEventListener("click", function () {
    var open = tocToggle.getAttribute("aria-expanded") !== "true";
    tocToggle.setAttribute("aria-expanded", String(open));
    toc.classList.toggle("p2p-open", open);
  });

  var mounting = [];
  data.blocks.forEach(function (block) {
    var element = doc.querySelector('.p2p-block[data-block-id="' + block.id.replace(/["\\]/g, "\\$&") + '"]');
    var script = global[block.global];
    if (!element || !script) {
      error(format(t("Part of this unit could not start ({name}). Tell your administrator."), {name: block.global}));
      return;
    }
    runtime.register(block.id, script.rules, block.content, block.unit);
    mounting.push(function () {
      var store = global.P2PStore.offline(script.rules, block.content, runtime.slot(block.id));
      return store.call("state", {}).then(function (state) {
        script.mount(element, store, {content: block.content, state: state, i18n: block.i18n, lang: data.lang});
      }).catch(function (failure) {
        // One block that fails to start must not keep the sitting from ending properly (exit,
        // session time, Terminate): the rest of the course goes on.
        error(String(failure && failure.message || failure));
      });
    });
  });

  // A script that works across its blocks (the course journal gathers every journal of the package,
  // not only those on screen) defines course(list): it is given, once, a function that lists its own
  // blocks of this package with their saved states.
  var told = {};
  data.blocks.forEach(function (block) {
    var script = global[block.global];
    if (!script || typeof script.course !== "function" || told[block.global]) { return; }
    told[block.global] = true;
    script.course(function () {
      return data.blocks.filter(function (other) { return other.global === block.global; }).map(function (other) {
        return {id: other.id, content: other.content, state: runtime.saved(other.id)};
      });
    });
  });

  var bookmark = runtime.begin();
  show(bookmark >= 0 ? bookmark : 0, false);
  Promise.all(mounting.map(function (mount) { return mount(); })).then(function () {
    // Registered after the blocks' own pagehide handlers, so their last saves come before Terminate.
    global.addEventListener("pagehide", runtime.finish);
    doc.body.setAttribute("data-p2p-ready", "true");
  });
})(window);
