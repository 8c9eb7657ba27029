// The staff dashboard, live: when the server says something changed (an enquiry, a payment, a
// vendor, a message), re-fetch this page and swap in each panel that differs. Without this script
// (or without EventSource) the page is the same, current as of its last load.
(function () {
  "use strict";
  var status = document.getElementById("dash-live");
  if (!status || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var timer = null, busy = false, again = false;

  function say(text) { status.textContent = text; }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(window.location.pathname + window.location.search, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (r) { if (!r.ok || r.redirected) throw new Error("status " + r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var panels = document.querySelectorAll("section.dash-panel");
        for (var i = 0; i < panels.length; i++) {
          var old = panels[i], next = fresh.getElementById(old.id);
          if (next && next.innerHTML !== old.innerHTML) {
            var open = {};
            old.querySelectorAll("details[open]").forEach(function (d) { open[d.parentNode.id] = true; });
            old.innerHTML = next.innerHTML;
            old.querySelectorAll("details").forEach(function (d) { if (open[d.parentNode.id]) d.open = true; });
          }
        }
        say("Live: updated at " + new Date().toLocaleTimeString() + ".");
        document.body.setAttribute("data-dashboard-refreshed", String(Date.now()));
      })
      .catch(function () { say("Could not update just now: reload the page to see the latest."); })
      .then(function () { busy = false; if (again) { again = false; schedule(); } });
  }

  function schedule() { window.clearTimeout(timer); timer = window.setTimeout(refresh, 250); }

  var source = new EventSource(status.getAttribute("data-live"));
  source.addEventListener("ready", function () { say("Live: this page updates by itself."); schedule(); });
  source.addEventListener("changed", schedule);
  source.addEventListener("polling", function (e) {
    source.close();
    var every = 30000;
    try { every = Math.max(5000, JSON.parse(e.data).retry_ms); } catch (ignored) {}
    say("This page updates every " + Math.round(every / 1000) + " seconds.");
    window.setInterval(refresh, every);
  });
  source.addEventListener("signed_out", function () { source.close(); say("You are signed out: reload to sign in again."); });
})();
