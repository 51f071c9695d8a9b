/* The relaunch script of the real-LMS check: what came back (journal text lengths, finished role-plays, errors). */
await H.sleep(1500);
var out = {error: H.text("#p2p-error"), progress: H.text("#p2p-progress-text"), journals: [], roleplays: []};
document.querySelectorAll(".p2p-journal__text").forEach(function (t) { out.journals.push(t.value.length); });
document.querySelectorAll(".p2p-rp-debrief").forEach(function () { out.roleplays.push(1); });
return out;
