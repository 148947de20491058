/* Public live screen: receives the live state pushed by the stream (server-sent events,
   ``hemicycle live_push``) when the page names one; otherwise, or while the stream is down,
   polls ecran.json every second (304 when nothing changed). Values are written with
   textContent only. */
(function () {
  "use strict";
  var root = document.getElementById("live-screen");
  if (!root || !window.fetch) { return; }
  var url = root.getAttribute("data-json-url");
  var etag = null;

  function get(obj, path) {
    return path.split(".").reduce(function (o, k) { return (o === null || o === undefined) ? undefined : o[k]; }, obj);
  }
  function present(v) {
    if (v === null || v === undefined || v === "" || v === false) { return false; }
    if (Array.isArray(v)) { return v.length > 0; }
    if (typeof v === "object") { return Object.keys(v).length > 0; }
    return true;
  }
  function fillList(el, value, path) {
    while (el.firstChild) { el.removeChild(el.firstChild); }
    if (path === "decided") {
      (value || []).forEach(function (d) {
        var li = document.createElement("li");
        li.textContent = d.number + ". " + d.title + " — " + d.state_label;
        el.appendChild(li);
      });
    } else {
      Object.keys(value || {}).forEach(function (name) {
        var li = document.createElement("li");
        li.textContent = name + " : " + value[name];
        el.appendChild(li);
      });
    }
  }
  function render(p) {
    root.querySelectorAll("[data-field]").forEach(function (el) {
      var v = get(p, el.getAttribute("data-field"));
      el.textContent = (v === null || v === undefined) ? "" : String(v);
    });
    root.querySelectorAll("[data-block]").forEach(function (el) {
      var name = el.getAttribute("data-block");
      el.hidden = name === "item-none" ? present(p.item) : !present(get(p, name)) && get(p, name) !== 0;
    });
    root.querySelectorAll("[data-list]").forEach(function (el) {
      var name = el.getAttribute("data-list");
      fillList(el, get(p, name), name);
    });
    var quorum = root.querySelector("[data-quorum]");
    if (quorum) {
      quorum.classList.toggle("fr-alert--success", !!(p.quorum && p.quorum.met));
      quorum.classList.toggle("fr-alert--warning", !(p.quorum && p.quorum.met));
    }
  }
  var streaming = false;
  var streamUrl = root.getAttribute("data-stream-url");
  if (streamUrl && window.EventSource) {
    var source = new EventSource(streamUrl);
    source.addEventListener("open", function () { streaming = true; });
    source.addEventListener("error", function () { streaming = false; });
    source.addEventListener("state", function (e) {
      streaming = true;
      try { render(JSON.parse(e.data)); } catch (err) { /* a malformed message: the next one will do */ }
    });
  }
  function poll() {
    if (streaming) { window.setTimeout(poll, 5000); return; }
    var headers = etag ? { "If-None-Match": etag } : {};
    fetch(url, { cache: "no-store", headers: headers, credentials: "same-origin" })
      .then(function (r) {
        if (r.status === 200) {
          etag = r.headers.get("ETag");
          return r.json().then(render);
        }
        return null;
      })
      .catch(function () { /* network hiccup: try again next second */ })
      .then(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
