/* Studio's editor for every block (xblocks/common/templates/studio_view.html): the block's OLX, checked
 * by the block's `check_content` handler as it is typed (the model's own located problems) and saved by
 * `studio_submit`, which refuses invalid content whole: its first line says so, each further line is a
 * problem. Studio's modal closes on notify("save", {state: "end"}). */
(function (global) {
  "use strict";

  global.P2PStudioInit = function (runtime, element, data) {
    var el = element && element.jquery ? element[0] : element;
    var i18n = (data && data.i18n) || {};
    var store = global.P2PStore.server(runtime, el, data && data.csrf_cookie);
    var xml = el.querySelector("[data-role=xml]");
    var summary = el.querySelector("[data-role=summary]");
    var list = el.querySelector("[data-role=list]");
    var warningsSummary = el.querySelector("[data-role=warnings-summary]");
    var warningsList = el.querySelector("[data-role=warnings-list]");
    var status = el.querySelector("[data-role=status]");
    var timer = null, sequence = 0;

    function t(text) { return Object.prototype.hasOwnProperty.call(i18n, text) ? i18n[text] : text; }

    function fill(target, texts) {
      target.textContent = "";
      texts.forEach(function (text) {
        var item = document.createElement("li");
        item.textContent = text;
        target.appendChild(item);
      });
    }

    function texts(items) { return (items || []).map(function (p) { return p.text; }); }

    // Problems block saving; warnings (a role-play's variable set but never read, ...) do not.
    function show(problems, warnings) {
      fill(list, problems);
      summary.textContent = problems.length ? t("Problems found:") + " " + problems.length : t("No problems found.");
      xml.setAttribute("aria-invalid", problems.length ? "true" : "false");
      if (warnings) {
        fill(warningsList, warnings);
        warningsSummary.textContent = warnings.length ? data.warnings_label + " " + warnings.length : "";
      }
    }

    function check() {
      var mine = ++sequence;
      return store.call("check_content", { xml: xml.value }).then(function (answer) {
        if (mine === sequence) { show(texts(answer.problems), texts(answer.warnings)); }
      }, function () { status.textContent = t("The content could not be checked; try again."); });
    }

    xml.addEventListener("input", function () {
      global.clearTimeout(timer);
      timer = global.setTimeout(check, 400);
    });

    el.querySelector("[data-role=save]").addEventListener("click", function () {
      status.textContent = t("Saving…");
      if (runtime.notify) { runtime.notify("save", { state: "start" }); }
      store.call("studio_submit", { xml: xml.value }).then(function (answer) {
        status.textContent = t("Saved.");
        show([], texts(answer.warnings));
        if (runtime.notify) { runtime.notify("save", { state: "end" }); }
      }, function (error) {
        var lines = String((error && error.message) || "").split("\n").filter(Boolean);
        if (error && error.status === 0) { lines = [t("Not saved: the server could not be reached.")]; }
        status.textContent = lines[0] || t("Not saved.");
        if (lines.length > 1) { show(lines.slice(1)); }
        if (runtime.notify) { runtime.notify("error", { title: t("Not saved."), message: lines[0] || "" }); }
      });
    });

    el.querySelector("[data-role=cancel]").addEventListener("click", function () {
      if (runtime.notify) { runtime.notify("cancel", {}); }
    });
    return { check: check };
  };
})(typeof window !== "undefined" ? window : this);
