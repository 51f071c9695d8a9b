/* facilitation_rubric in trainer mode: a candidate's certification request and the trainers' queue.
 * Only Open edX plays trainer mode (a SCORM build refuses it), so the block's Open edX view loads this
 * script after rubric.js and the offline player never carries it. rubric.js mounts it with its
 * interface helpers (catalogue, markup builders, the rating grid). */
(function (global) {
  "use strict";
  if (global.P2PRubricCertification) { return; } // the script may arrive once per block on a page

  var t, fmt, el, authored, levelLabel, shortDate, grid;

  function drawAssessments(container, content, assessments, heading) {
    container.textContent = "";
    if (!assessments.length) { return; }
    container.appendChild(el("h4", null, heading));
    assessments.slice().reverse().forEach(function (record) {
      var article = el("article", "p2p-rubric__record");
      article.appendChild(el("h5", null, fmt(t("Assessed by {trainer} on {date}"),
        { trainer: record.trainer, date: shortDate(record.date) })));
      article.appendChild(el("p", record.passed ? "p2p-rubric__ok" : "p2p-rubric__short",
        fmt(record.passed ? t("Certified: {total} out of {max}.") : t("Not certified yet: {total} out of {max}."),
            { total: record.total, max: record.max_total })));
      var list = el("dl", "p2p-rubric__record-levels");
      content.criteria.forEach(function (c) {
        var item = el("div");
        item.appendChild(authored(el("dt", null, c.label), content));
        item.appendChild(authored(el("dd", null, levelLabel(content, record.levels[c.id])), content));
        if (record.feedback[c.id]) {
          item.appendChild(el("dd", "p2p-rubric__record-feedback", fmt(t("Feedback: {text}"), { text: record.feedback[c.id] })));
        }
        list.appendChild(item);
      });
      article.appendChild(list);
      container.appendChild(article);
    });
  }

  function mountCertification(root, store, data, ui) {
    var content = data.content;
    if (data.state.role === "trainer") { mountTrainer(root, store, data, ui); return; }
    var section = root.querySelector(".p2p-rubric__candidate");
    var statusLine = root.querySelector(".p2p-rubric__candidate-status");
    var form = root.querySelector(".p2p-rubric__request");
    var notes = root.querySelector(".p2p-rubric__evidence");
    var recording = root.querySelector(".p2p-rubric__recording");
    var history = section.querySelector(".p2p-rubric__history");
    section.hidden = false;

    function draw(state) {
      var text;
      if (state.status === "none") { text = t("You have not requested certification yet."); }
      else if (state.status === "waiting") {
        text = fmt(t("Your request of {date} is waiting for a trainer."), { date: shortDate(state.request.requested_at) });
      } else { text = t("A trainer has assessed your latest request. You can send a new request with new evidence."); }
      if (state.score) { text += " " + fmt(t("Your grade: {earned} out of {possible}."), state.score); }
      statusLine.textContent = text;
      form.hidden = state.status === "waiting";
      if (state.request && !notes.value) {
        notes.value = state.request.notes;
        recording.value = state.request.recording_url;
      }
      drawAssessments(history, content, state.assessments, t("Your assessments"));
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!notes.value.trim()) {
        ui.fail({ message: t("Describe the meeting you facilitated in your evidence notes.") });
        notes.focus();
        return;
      }
      if (recording.value.trim() && !/^https?:\/\/\S+$/i.test(recording.value.trim())) {
        ui.fail({ message: t("The recording link must be an http or https address.") });
        recording.focus();
        return;
      }
      store.call("request_certification", { notes: notes.value, recording_url: recording.value.trim() }).then(function (state) {
        draw(state);
        ui.say(t("Your request was sent to the trainers."));
        statusLine.setAttribute("tabindex", "-1");
        statusLine.focus();
      }, ui.fail);
    });
    draw(data.state);
  }

  function mountTrainer(root, store, data, ui) {
    var content = data.content;
    var section = root.querySelector(".p2p-rubric__trainer");
    var queueList = root.querySelector(".p2p-rubric__queue");
    var csv = root.querySelector(".p2p-rubric__csv");
    var form = root.querySelector(".p2p-rubric__assess");
    var title = root.querySelector(".p2p-rubric__assess-title");
    var evidence = root.querySelector(".p2p-rubric__evidence-view");
    var history = form.querySelector(".p2p-rubric__history");
    var sheet = grid(form);
    var chosen = null, candidates = [];
    section.hidden = false;
    if (data.csv_url) { csv.href = data.csv_url; } else { csv.parentNode.hidden = true; }

    function name(candidate) { return candidate.request.candidate || candidate.candidate_id; }

    function drawQueue() {
      queueList.textContent = "";
      if (!candidates.length) { queueList.appendChild(el("li", null, t("No one has requested certification yet."))); }
      candidates.forEach(function (candidate) {
        var item = el("li");
        var label = candidate.status === "waiting"
          ? fmt(t("{name}: waiting since {date}"), { name: name(candidate), date: shortDate(candidate.request.requested_at) })
          : fmt(t("{name}: assessed {count} time(s)"), { name: name(candidate), count: candidate.assessments.length });
        var button = el("button", "p2p-rubric__candidate-button", label);
        button.type = "button";
        button.setAttribute("data-candidate", candidate.candidate_id);
        button.addEventListener("click", function () { open(candidate); });
        item.appendChild(button);
        queueList.appendChild(item);
      });
    }

    function load() {
      return store.call("queue", {}).then(function (answer) { candidates = answer.candidates; drawQueue(); }, ui.fail);
    }

    function open(candidate) {
      chosen = candidate;
      title.textContent = fmt(t("Assess {name}"), { name: name(candidate) });
      evidence.textContent = "";
      evidence.appendChild(el("h4", null, t("Evidence")));
      evidence.appendChild(el("p", "p2p-rubric__evidence-notes", candidate.request.notes));
      var url = candidate.request.recording_url;
      if (url && /^https?:\/\//i.test(url)) {
        var link = el("a", null, t("Recording (opens in a new tab)"));
        link.href = url;
        link.target = "_blank";
        link.rel = "noopener noreferrer";
        var p = el("p");
        p.appendChild(link);
        evidence.appendChild(p);
      }
      sheet.fill({}, {}, false, false);
      drawAssessments(history, content, candidate.assessments, t("Earlier assessments"));
      form.hidden = false;
      title.focus();
    }

    function close() {
      form.hidden = true;
      var id = chosen && chosen.candidate_id;
      chosen = null;
      var button = id && queueList.querySelector('[data-candidate="' + id.replace(/["\\]/g, "\\$&") + '"]');
      if (button) { button.focus(); }
    }

    root.querySelector(".p2p-rubric__cancel").addEventListener("click", close);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!sheet.checkComplete(ui)) { return; }
      var read = sheet.read(false);
      store.call("assess", { candidate_id: chosen.candidate_id, submission: chosen.request.submission,
                             levels: read.ratings, feedback: read.notes }).then(function (answer) {
        var record = answer.candidate.assessments[answer.candidate.assessments.length - 1];
        ui.say(fmt(record.passed ? t("Assessment recorded for {name}: certified, {total} out of {max}.")
                                 : t("Assessment recorded for {name}: not certified yet, {total} out of {max}."),
                   { name: name(answer.candidate), total: record.total, max: record.max_total }));
        return load().then(close);
      }, ui.fail);
    });
    load();
  }

  global.P2PRubricCertification = {
    mount: function (root, store, data, ui, helpers) {
      t = helpers.t; fmt = helpers.fmt; el = helpers.el; authored = helpers.authored;
      levelLabel = helpers.levelLabel; shortDate = helpers.shortDate; grid = helpers.grid;
      mountCertification(root, store, data, ui);
    }
  };
})(typeof window !== "undefined" ? window : this);
