/* Studio editor of a scenario_roleplay block: the XML with live validation by the block's
 * `validate` handler (the model's own messages); `studio_submit` refuses invalid content whole. */
(function (global) {
  "use strict";

  global.P2PRoleplayStudioInit = function (runtime, element, data) {
    var el = element && element.jquery ? element[0] : element;
    var i18n = (data && data.i18n) || {};
    var xml = el.querySelector("[data-role=xml]");
    var summary = el.querySelector("[data-role=summary]");
    var list = el.querySelector("[data-role=list]");
    var warningsSummary = el.querySelector("[data-role=warnings-summary]");
    var warningsList = el.querySelector("[data-role=warnings-list]");
    var status = el.querySelector("[data-role=status]");
    var timer = null, sequence = 0;

    function t(text) { return Object.prototype.hasOwnProperty.call(i18n, text) ? i18n[text] : text; }

    function post(handler, payload) {
      var match = /(?:^|;\s*)csrftoken=([^;]+)/.exec(document.cookie);
      return fetch(runtime.handlerUrl(el, handler), {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": match ? decodeURIComponent(match[1]) : "" },
        body: JSON.stringify(payload)
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      });
    }

    function fill(target, items) {
      target.textContent = "";
      items.forEach(function (entry) {
        var item = document.createElement("li");
        item.textContent = entry.text;
        target.appendChild(item);
      });
    }

    // Problems block saving; warnings (a variable set but never read, ...) do not.
    function show(problems, warnings) {
      fill(list, problems);
      summary.textContent = problems.length ? t("Problems found:") + " " + problems.length : t("No problems found.");
      xml.setAttribute("aria-invalid", problems.length ? "true" : "false");
      fill(warningsList, warnings || []);
      warningsSummary.textContent = warnings && warnings.length
        ? t("Warnings (the scenario can still be saved):") + " " + warnings.length : "";
    }

    function check() {
      var mine = ++sequence;
      post("validate", { xml: xml.value }).then(function (answer) {
        if (mine === sequence && answer.ok) { show(answer.body.problems, answer.body.warnings); }
      }, function () { status.textContent = t("The scenario could not be checked; try again."); });
    }

    xml.addEventListener("input", function () {
      global.clearTimeout(timer);
      timer = global.setTimeout(check, 400);
    });

    el.querySelector("[data-role=save]").addEventListener("click", function () {
      status.textContent = t("Saving…");
      post("studio_submit", { xml: xml.value }).then(function (answer) {
        if (answer.ok) {
          status.textContent = t("Saved.");
          if (runtime.notify) { runtime.notify("save", { state: "end" }); }
        } else {
          status.textContent = answer.body.error || t("Not saved.");
          check();
        }
      }, function () { status.textContent = t("Not saved: the server could not be reached."); });
    });

    el.querySelector("[data-role=cancel]").addEventListener("click", function () {
      if (runtime.notify) { runtime.notify("cancel", {}); }
    });
    return { check: check };
  };
})(typeof window !== "undefined" ? window : this);
