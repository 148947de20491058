/* Hémicycle — members' portal: offline reading and private notes. Vanilla JS, no library.
 *
 * 1. Registers the service worker (/elu/sw.js) that keeps opened pages and documents.
 * 2. On a shared device, forgets the offline copies of another member, and empties them at logout.
 * 3. Private notes per document and page: kept in localStorage (so they can be written
 *    offline), sent to /elu/annotations/ when the network is there; the latest edit wins.
 */
(function () {
  "use strict";
  var root = document.getElementById("hc-portal");
  if (!root) { return; }
  var memberId = root.getAttribute("data-member") || "";
  var OWNER = "hc-portal-owner";
  var NOTES = "hc-notes-";

  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }

  function clearOffline() {
    var store = storage();
    if (store) {
      for (var i = store.length - 1; i >= 0; i -= 1) {
        var key = store.key(i);
        if (key && key.indexOf(NOTES) === 0) { store.removeItem(key); }
      }
      store.removeItem(OWNER);
    }
    if (navigator.serviceWorker && navigator.serviceWorker.controller) {
      navigator.serviceWorker.controller.postMessage({ type: "clear" });
    }
    if (!window.caches) { return Promise.resolve(); }
    return caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k.indexOf("hc-portal") === 0; })
        .map(function (k) { return caches.delete(k); }));
    }).catch(function () {});
  }

  // --- Offline copies: one member per device at a time -------------------------------------
  var store = storage();
  if (memberId && store) {
    var owner = store.getItem(OWNER);
    if (owner && owner !== memberId) { clearOffline(); }
    store.setItem(OWNER, memberId);
  }
  Array.prototype.forEach.call(document.querySelectorAll('form[action$="/compte/deconnexion/"]'), function (form) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-cleared")) { return; }
      event.preventDefault();
      form.setAttribute("data-cleared", "1");
      clearOffline().then(function () { form.submit(); });
    });
  });
  if (memberId && "serviceWorker" in navigator) {
    navigator.serviceWorker.register(root.getAttribute("data-sw"), { scope: root.getAttribute("data-scope") })
      .catch(function () { /* offline reading unavailable (private browsing…) */ });
  }

  // --- Online / offline notice --------------------------------------------------------------
  var notice = document.getElementById("hc-offline-notice");
  function showState() { if (notice) { notice.hidden = navigator.onLine; } }
  window.addEventListener("online", showState);
  window.addEventListener("offline", showState);
  showState();

  // --- Private notes ------------------------------------------------------------------------
  var section = document.getElementById("notes");
  if (!section || !memberId) { return; }
  var documentKey = section.getAttribute("data-document");
  var form = document.getElementById("note-form");
  var list = document.getElementById("notes-list");
  var status = document.getElementById("notes-status");
  var cancel = document.getElementById("note-cancel");
  var api = root.getAttribute("data-annotations");
  var storeKey = NOTES + memberId;
  var editing = null;
  var syncing = false;

  function load() {
    try { return JSON.parse((store && store.getItem(storeKey)) || "{}"); } catch (e) { return {}; }
  }
  function save(notes) {
    try { if (store) { store.setItem(storeKey, JSON.stringify(notes)); } } catch (e) { /* storage full */ }
  }
  function say(text) { if (status) { status.textContent = text; } }
  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return "n" + Date.now().toString(36) + Math.random().toString(36).slice(2, 12);
  }
  function time(value) { var t = Date.parse(value); return isNaN(t) ? 0 : t; }

  function merge(notes, serverNotes) {
    serverNotes.forEach(function (remote) {
      var local = notes[remote.client_id];
      if (!local || !local.dirty || time(remote.updated_at) >= time(local.updated_at)) {
        remote.dirty = false;
        notes[remote.client_id] = remote;
      }
    });
    return notes;
  }

  function render() {
    var notes = load();
    var mine = Object.keys(notes).map(function (k) { return notes[k]; }).filter(function (n) {
      return n.document === documentKey && !n.deleted;
    }).sort(function (a, b) { return a.page - b.page || time(a.updated_at) - time(b.updated_at); });
    list.textContent = "";
    if (!mine.length) {
      var empty = document.createElement("li");
      empty.className = "hc-notes-empty";
      empty.textContent = "Aucune note sur ce document.";
      list.appendChild(empty);
      return;
    }
    mine.forEach(function (note) {
      var li = document.createElement("li");
      var link = document.createElement("a");
      link.href = "?page=" + note.page;
      link.textContent = "p. " + note.page;
      var text = document.createElement("span");
      text.className = "hc-pre";
      text.textContent = " — " + note.text;
      var actions = document.createElement("span");
      actions.className = "hc-note-actions";
      var edit = document.createElement("button");
      edit.type = "button";
      edit.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
      edit.textContent = "Modifier";
      edit.addEventListener("click", function () {
        editing = note.client_id;
        form.elements.page.value = note.page;
        form.elements.text.value = note.text;
        if (cancel) { cancel.hidden = false; }
        form.elements.text.focus();
      });
      var remove = document.createElement("button");
      remove.type = "button";
      remove.className = "fr-btn fr-btn--tertiary-no-outline fr-btn--sm";
      remove.textContent = "Supprimer";
      remove.addEventListener("click", function () {
        var all = load();
        var target = all[note.client_id];
        if (!target) { return; }
        target.deleted = true;
        target.text = "";
        target.updated_at = new Date().toISOString();
        target.dirty = true;
        save(all);
        render();
        sync();
      });
      actions.appendChild(edit);
      actions.appendChild(remove);
      if (note.dirty) {
        var pending = document.createElement("span");
        pending.className = "fr-badge fr-badge--sm";
        pending.textContent = "à synchroniser";
        actions.appendChild(pending);
      }
      li.appendChild(link);
      li.appendChild(text);
      li.appendChild(actions);
      list.appendChild(li);
    });
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) { return decodeURIComponent(match[1]); }
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function sync() {
    if (syncing) { return; }
    if (!navigator.onLine) { say("Hors ligne : vos notes sont gardées sur cet appareil et seront envoyées au retour du réseau."); return; }
    var notes = load();
    var dirty = Object.keys(notes).map(function (k) { return notes[k]; }).filter(function (n) { return n.dirty; })
      .map(function (n) {
        return { client_id: n.client_id, document: n.document, page: n.page, text: n.text,
                 updated_at: n.updated_at, deleted: !!n.deleted };
      });
    syncing = true;
    fetch(api, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(), "Accept": "application/json" },
      body: JSON.stringify({ annotations: dirty, document: documentKey })
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") !== 0) { throw new Error("login"); }
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) { throw new Error(answer.data.error || "refus"); }
      var all = load();
      answer.data.results.forEach(function (result) {
        if (result.status === "invalid") { delete all[result.client_id]; return; }
        result.annotation.dirty = false;
        all[result.client_id] = result.annotation;
      });
      merge(all, answer.data.annotations);
      save(all);
      render();
      say("Notes synchronisées à " + new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" }) + ".");
    }).catch(function (error) {
      say(error.message === "login"
        ? "Reconnectez-vous pour synchroniser vos notes ; elles restent gardées sur cet appareil."
        : "Synchronisation impossible pour le moment : vos notes restent gardées sur cet appareil.");
    }).then(function () { syncing = false; });
  }

  // The notes the server rendered in the page, then the browser's own, then the server's latest.
  var initial = [];
  try { initial = JSON.parse(document.getElementById("notes-data").textContent) || []; } catch (e) { initial = []; }
  save(merge(load(), initial));
  render();

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var page = parseInt(form.elements.page.value, 10);
    var text = form.elements.text.value.trim();
    if (!text) { say("La note est vide."); form.elements.text.focus(); return; }
    if (!(page >= 1)) { say("Indiquez un numéro de page."); form.elements.page.focus(); return; }
    var all = load();
    var id = editing && all[editing] ? editing : newId();
    all[id] = { client_id: id, document: documentKey, page: page, text: text,
                updated_at: new Date().toISOString(), deleted: false, dirty: true };
    save(all);
    editing = null;
    form.elements.text.value = "";
    if (cancel) { cancel.hidden = true; }
    render();
    say("Note enregistrée sur cet appareil.");
    sync();
  });
  if (cancel) {
    cancel.addEventListener("click", function () { editing = null; cancel.hidden = true; });
  }
  window.addEventListener("online", sync);
  sync();
}());
