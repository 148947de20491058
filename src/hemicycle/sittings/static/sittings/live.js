/* Members' voting page: reloads when a ballot opens or closes, so that the buttons appear and
   disappear without the member touching anything. The change is pushed by the live stream
   (server-sent events) when the page names one, else found by polling voter.json every
   second (also while the stream is down). The reload waits a random fraction of a second so
   that 163 devices do not all ask for their page in the same instant. */
(function () {
  "use strict";
  var root = document.getElementById("member-vote");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-state-url");
  var known = root.getAttribute("data-ballot") + "/" + root.getAttribute("data-state");
  var version = null;
  var reloading = false;
  var streaming = false;

  function check(method, ballot, state) {
    var now = (method === "electronic" ? (ballot || "") + "/" + (state || "") : null);
    var changed = (now !== null && now !== known) || (now === null && root.getAttribute("data-state") === "open");
    if (changed && !reloading) {
      reloading = true;
      window.setTimeout(function () { window.location.reload(); }, Math.random() * 1000);
    }
  }

  var streamUrl = root.getAttribute("data-stream-url");
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
