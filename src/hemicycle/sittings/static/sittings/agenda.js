/* Agenda builder: reorder the items by drag and drop (HTML5), then post the new order.
   Without JavaScript the "Monter" / "Descendre" buttons of each row do the same, one step at
   a time, so nothing here is required. */
(function () {
  "use strict";
  var body = document.querySelector("tbody[data-agenda-reorder]");
  if (!body) return;
  var url = body.getAttribute("data-agenda-reorder");
  var status = document.getElementById("reorder-status");
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var dragged = null;
  var before = null;

  function rows() {
    return Array.prototype.slice.call(body.querySelectorAll("tr[data-item]"));
  }

  function order() {
    return rows().map(function (row) { return row.getAttribute("data-item"); });
  }

  function clearMarks() {
    rows().forEach(function (row) { row.classList.remove("hc-drop-before", "hc-drop-after"); });
  }

  function say(text) {
    if (status) status.textContent = text;
  }

  function refreshRows() {
    var all = rows();
    all.forEach(function (row, index) {
      var cell = row.querySelector("[data-position]");
      if (cell) cell.textContent = String(index + 1);
      var up = row.querySelector("input[name=direction][value=up] ~ button");
      var down = row.querySelector("input[name=direction][value=down] ~ button");
      if (up) up.disabled = index === 0;
      if (down) down.disabled = index === all.length - 1;
    });
  }

  function send(previous) {
    var data = new FormData();
    order().forEach(function (id) { data.append("order", id); });
    fetch(url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: {"X-CSRFToken": tokenInput ? tokenInput.value : "", "Accept": "application/json"}
    }).then(function (response) {
      return response.json().then(function (payload) { return {ok: response.ok, payload: payload}; });
    }).then(function (result) {
      if (result.ok) {
        refreshRows();
        say(result.payload.message || "");
      } else {
        say(result.payload.error || "");
        window.alert(result.payload.error || "L'ordre n'a pas pu être enregistré.");
        window.location.reload();
      }
    }).catch(function () {
      window.alert("L'ordre n'a pas pu être enregistré : vérifiez la connexion et rechargez la page.");
      previous.forEach(function (id) {
        var row = body.querySelector('tr[data-item="' + id + '"]');
        if (row) body.appendChild(row);
      });
      refreshRows();
    });
  }

  rows().forEach(function (row) { row.setAttribute("draggable", "true"); });

  body.addEventListener("dragstart", function (event) {
    var row = event.target.closest && event.target.closest("tr[data-item]");
    if (!row) return;
    dragged = row;
    before = order();
    row.classList.add("hc-dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", row.getAttribute("data-item"));
  });

  body.addEventListener("dragover", function (event) {
    if (!dragged) return;
    var row = event.target.closest && event.target.closest("tr[data-item]");
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    clearMarks();
    if (!row || row === dragged) return;
    var box = row.getBoundingClientRect();
    row.classList.add(event.clientY < box.top + box.height / 2 ? "hc-drop-before" : "hc-drop-after");
  });

  body.addEventListener("drop", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var row = event.target.closest && event.target.closest("tr[data-item]");
    if (row && row !== dragged) {
      var box = row.getBoundingClientRect();
      if (event.clientY < box.top + box.height / 2) {
        body.insertBefore(dragged, row);
      } else {
        body.insertBefore(dragged, row.nextSibling);
      }
    }
    clearMarks();
  });

  body.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("hc-dragging");
    clearMarks();
    var previous = before;
    dragged = null;
    before = null;
    if (previous && previous.join(",") !== order().join(",")) send(previous);
  });
})();
