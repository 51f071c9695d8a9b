/* A pathway level's certificate of completion in the offline player: what the level still needs,
 * and the certificate once every requirement is met. The terms come from the build
 * (builder/pathways.py certificate_terms, in the page data as data.certificate):
 *
 *   {course, level, hours, min_grade (0..1 or null), rubrics: [{id, title, here}],
 *    signatories: [{name, title ("\n" between its two lines), organization}]}
 *
 *   P2PCertificate.check(terms, status, doc)   {rows: [{what, met, ...}], earned: "YYYY-MM-DD" or null}
 *       status: {completed, grade (P2PGrader's answer or null), passed: {<block id>: true/false/null}}.
 *       The day the requirements are first met is kept in the state document (doc.k), so the
 *       certificate keeps its date, and stays earned as completion does.
 *   P2PCertificate.draw(container, data, certificate, learner, lang)   the result page's section
 *   P2PCertificate.learnerName("Last, First") -> "First Last" (how Moodle and others send the name)
 *
 * The statement's wording is the Open edX certificate's (builder/pathways.py CERTIFICATE_STATEMENT).
 */
(function (global) {
  "use strict";

  var i18n = {};
  function t(text) { return i18n[text] || text; }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function today() {  // the learner's own calendar day
    var now = new Date();
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function check(terms, status, doc) {
    var rows = [{what: "units", met: !!status.completed}];
    if (terms.min_grade !== null && terms.min_grade !== undefined) {
      var percent = status.grade ? status.grade.percent : 0;
      rows.push({what: "grade", met: percent + 1e-9 >= terms.min_grade, percent: percent, mark: terms.min_grade});
    }
    terms.rubrics.forEach(function (rubric) {
      var passed = status.passed && status.passed[rubric.id] === true;
      rows.push({what: rubric.here ? "rubric" : "elsewhere", title: rubric.title, met: rubric.here && passed});
    });
    var met = rows.every(function (row) { return row.met; });
    if (met && !doc.k) { doc.k = today(); }
    return {rows: rows, earned: doc.k || null};
  }

  function learnerName(name) {
    var text = String(name || "").replace(/\s+/g, " ").trim();
    var parts = text.split(",");
    return parts.length === 2 && parts[0].trim() && parts[1].trim() ? parts[1].trim() + " " + parts[0].trim() : text;
  }

  function hash(text) {
    var h = 0x811c9dc5;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 0x01000193) >>> 0; }
    return h;
  }

  /* An identifier for the certificate: the same package, learner and day always give the same one. */
  function certificateId(packageId, learnerId, earned) {
    var seed = packageId + "|" + learnerId + "|" + earned;
    var digits = (hash(seed).toString(36) + hash(seed + "#").toString(36) + "000000000000").slice(0, 12).toUpperCase();
    return "P2P-" + digits.slice(0, 4) + "-" + digits.slice(4, 8) + "-" + digits.slice(8, 12);
  }

  function dateText(earned, lang) {
    var parts = earned.split("-");
    var date = new Date(+parts[0], +parts[1] - 1, +parts[2]);
    try { return date.toLocaleDateString(lang, {year: "numeric", month: "long", day: "numeric"}); } catch (ignored) { return earned; }
  }

  function numberText(value, lang) {
    try { return Number(value).toLocaleString(lang); } catch (ignored) { return String(value); }
  }

  function add(parent, tag, className, text) {
    var node = parent.appendChild(global.document.createElement(tag));
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function rowText(row) {
    if (row.what === "units") { return t("Finish every unit of the course."); }
    if (row.what === "grade") {
      return format(t("Reach a course grade of at least {mark}% (yours: {percent}%)."),
        {mark: Math.round(row.mark * 100), percent: Math.round(row.percent * 100)});
    }
    if (row.what === "rubric") { return format(t("Meet the standard of “{title}”."), {title: row.title}); }
    return format(t("“{title}” is done with a trainer in the program's Open edX course; this package cannot record it."),
      {title: row.title});
  }

  /* The certificate itself: the same markup on the page, in print and in the downloaded file. */
  function certificateHtml(terms, name, earned, id, lang) {
    function esc(text) {
      return String(text).replace(/[&<>"']/g, function (c) {
        return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
      });
    }
    var statement = format(t("has completed {course} at the {level} level of the {program}, for {hours} professional-development hours."),
      {course: terms.course, level: terms.level, program: t("P2P trainer-of-trainers pathway"), hours: numberText(terms.hours, lang)});
    return "<p class=\"p2p-cert-title\">" + esc(t("Certificate of completion")) + "</p>" +
      "<p class=\"p2p-cert-learner\">" + esc(name) + "</p>" +
      "<p class=\"p2p-cert-statement\">" + esc(statement) + "</p>" +
      "<dl class=\"p2p-cert-facts\"><div><dt>" + esc(t("Date")) + "</dt><dd>" + esc(dateText(earned, lang)) + "</dd></div>" +
      "<div><dt>" + esc(t("Certificate ID")) + "</dt><dd>" + esc(id) + "</dd></div></dl>" +
      signatoriesHtml(terms.signatories || [], esc);
  }

  // Who signs for the program (pathways.xml's <certificate>, as in the Open edX certificate).
  function signatoriesHtml(signatories, esc) {
    if (!signatories.length) { return ""; }
    return "<p class=\"p2p-cert-signed\">" + esc(t("Signed by")) + "</p><ul class=\"p2p-cert-signatories\">" +
      signatories.map(function (signatory) {
        return "<li><span class=\"p2p-cert-sig-name\">" + esc(signatory.name) + "</span><br>" +
          String(signatory.title).split("\n").map(esc).join("<br>") + "<br>" + esc(signatory.organization) + "</li>";
      }).join("") + "</ul>";
  }

  var FILE_STYLE = "body{font:16px/1.5 Georgia,serif;color:#1a1a1a;margin:2em auto;max-width:44em;padding:0 1em}" +
    ".p2p-certificate{border:6px double #1a3d6d;padding:2.5em 2em;text-align:center}" +
    ".p2p-cert-title{font-size:1.8em;margin:0 0 1em}.p2p-cert-learner{font-size:1.6em;font-weight:bold;margin:0 0 .5em}" +
    ".p2p-cert-facts{display:flex;justify-content:center;gap:3em;margin:2em 0 0}.p2p-cert-facts dt{font-size:.85em;color:#444}" +
    ".p2p-cert-facts dd{margin:0}.p2p-cert-signed{margin:2em 0 .25em;font-size:.85em;color:#444}" +
    ".p2p-cert-signatories{list-style:none;padding:0;margin:0;display:flex;flex-wrap:wrap;justify-content:center;gap:1em 3em}" +
    ".p2p-cert-sig-name{font-weight:bold}@media print{body{margin:0;max-width:none}}";

  function download(html, lang, fileName) {
    var page = "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\"><title>" +
      t("Certificate of completion") + "</title><style>" + FILE_STYLE + "</style></head><body><main>" +
      "<div class=\"p2p-certificate\">" + html + "</div></main></body></html>";
    var link = global.document.createElement("a");
    link.href = URL.createObjectURL(new Blob([page], {type: "text/html;charset=utf-8"}));
    link.download = fileName;
    global.document.body.appendChild(link);
    link.click();
    link.remove();
    global.setTimeout(function () { URL.revokeObjectURL(link.href); }, 0);
  }

  function draw(container, data, certificate, learner) {
    i18n = data.i18n || {};
    var terms = data.certificate, lang = data.lang || "en";
    var body = global.document.body;
    body.classList.remove("p2p-certificate-shown");
    var section = add(container, "section", "p2p-certificate-area");
    section.setAttribute("aria-labelledby", "p2p-certificate-title");
    add(section, "h3", "", t("Your certificate")).id = "p2p-certificate-title";
    if (!certificate || !certificate.earned) {
      add(section, "p", "", format(t("Your certificate of completion for the {level} level appears here once you have done all of this:"), {level: terms.level}));
      var list = add(section, "ul", "p2p-cert-needs");
      (certificate ? certificate.rows : []).forEach(function (row) {
        var item = add(list, "li", row.met ? "p2p-cert-met" : "p2p-cert-missing");
        add(item, "span", "p2p-cert-mark", row.met ? t("Done:") : t("Still to do:"));
        item.appendChild(global.document.createTextNode(" " + rowText(row)));
      });
      return;
    }
    var fromLms = learnerName(learner && learner.name);
    var name = fromLms;
    var card = add(section, "div", "p2p-certificate");
    function render() { card.innerHTML = certificateHtml(terms, name || "—", certificate.earned, id, lang); }
    var id = certificateId(data.package, (learner && learner.id) || "", certificate.earned);
    if (!fromLms) {  // no name from an LMS (a package opened by hand): the learner types it
      var field = add(section, "p", "p2p-cert-name-field");
      var label = add(field, "label", "", t("Your name, as it should appear on the certificate"));
      var input = add(field, "input");
      input.type = "text";
      input.id = "p2p-cert-name";
      input.autocomplete = "name";
      label.htmlFor = "p2p-cert-name";
      input.addEventListener("input", function () { name = input.value.trim(); render(); });
      section.insertBefore(field, card);
    }
    render();
    var actions = add(section, "p", "p2p-cert-actions");
    var print = add(actions, "button", "p2p-button p2p-primary", t("Print certificate"));
    print.type = "button";
    print.addEventListener("click", function () { global.print(); });
    var save = add(actions, "button", "p2p-button", t("Download certificate"));
    save.type = "button";
    save.addEventListener("click", function () {
      download(card.innerHTML, lang, "certificate-" + String(data.package).replace(/[^A-Za-z0-9_.-]/g, "-") + ".html");
    });
    body.classList.add("p2p-certificate-shown");  // the print stylesheet prints the certificate alone
  }

  global.P2PCertificate = {check: check, draw: draw, learnerName: learnerName, certificateId: certificateId};
})(typeof window !== "undefined" ? window : this);
