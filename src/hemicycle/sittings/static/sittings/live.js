/* Members' voting page: polls voter.json every second and reloads the page when a ballot
   opens or closes, so that the buttons appear and disappear without the member touching
   anything. */
(function () {
  "use strict";
  var root = document.getElementById("member-vote");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-state-url");
  var known = root.getAttribute("data-ballot") + "/" + root.getAttribute("data-state");
  var version = null;

  function poll() {
    fetch(url, { cache: "no-store", credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) {
        if (!s || s.version === version) { return; }
        version = s.version;
        var now = (s.method === "electronic" ? (s.ballot || "") + "/" + (s.state || "") : null);
        if (now !== null && now !== known) { window.location.reload(); }
        if (now === null && root.getAttribute("data-state") === "open") { window.location.reload(); }
      })
      .catch(function () { /* try again next second */ })
      .then(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
