/* Members' voting page: when a ballot opens or closes, the voting panel is fetched again (only
   the panel, through htmx's request header) so that the buttons appear and disappear without
   the member touching anything. The change is pushed by the live stream (server-sent events)
   when the page names one, else found by polling voter.json every second (also while the
   stream is down). The fetch waits a random fraction of a second so that 163 devices do not
   all ask in the same instant. Without the panel (an error), the page is reloaded. */
(function () {
  "use strict";
  if (!document.getElementById("member-vote") || !window.fetch) { return; }
  function root() { return document.getElementById("member-vote"); }
  var url = root().getAttribute("data-state-url");
  var version = null;
  var pending = false;
  var streaming = false;

  function known() { return root().getAttribute("data-ballot") + "/" + root().getAttribute("data-state"); }

  function refresh() {
    fetch(window.location.pathname, { cache: "no-store", credentials: "same-origin",
                                      headers: { "HX-Request": "true" } })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#member-vote");
        if (!fresh) { throw new Error("panneau absent"); }
        root().replaceWith(fresh);
        if (window.htmx) { window.htmx.process(fresh); }
      })
      .catch(function () { window.location.reload(); })
      .then(function () { pending = false; });
  }

  function check(method, ballot, state) {
    var now = (method === "electronic" ? (ballot || "") + "/" + (state || "") : null);
    var changed = (now !== null && now !== known()) || (now === null && root().getAttribute("data-state") === "open");
    if (changed && !pending) {
      pending = true;
      window.setTimeout(refresh, Math.random() * 1000);
    }
  }

  var streamUrl = root().getAttribute("data-stream-url");
  if (streamUrl && window.EventSource) {
    var source = new EventSource(streamUrl);
    source.addEventListener("open", function () { streaming = true; });
    source.addEventListener("error", function () { streaming = false; });
    source.addEventListener("state", function (e) {
      streaming = true;
      var p;
      try { p = JSON.parse(e.data); } catch (err) { return; }
      var b = p.ballot || {};
      check(b.method, b.id, b.state);
    });
  }

  function poll() {
    if (streaming) { window.setTimeout(poll, 5000); return; }
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s || s.version === version) { return; }
        version = s.version;
        check(s.method, s.ballot, s.state);
      })
      .catch(function () { /* try again next second */ })
      .then(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
