/* The act form: rows of visas / considérants / articles handled in the page, and a small
   rich-text editor for the report. Without JavaScript the same buttons submit the form and
   the server does the same operations, so nothing here is required. */
(function () {
  "use strict";
  var form = document.getElementById("act-form");
  if (!form) return;

  // --- Rows ------------------------------------------------------------------------------
  function renumber(fieldset) {
    var name = fieldset.getAttribute("data-lines");
    var label = fieldset.getAttribute("data-item-label");
    var items = fieldset.querySelectorAll(".hc-line");
    items.forEach(function (item, i) {
      var area = item.querySelector("textarea");
      var lab = item.querySelector(".hc-line__label");
      area.id = name + "-" + i;
      lab.setAttribute("for", area.id);
      lab.textContent = label + " " + (i + 1);
      item.querySelectorAll("button[data-op]").forEach(function (b) {
        b.value = b.getAttribute("data-op") + ":" + name + ":" + i;
      });
    });
  }

  function newItem(fieldset) {
    var first = fieldset.querySelector(".hc-line");
    var item = first.cloneNode(true);
    item.querySelector("textarea").value = "";
    return item;
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-op]");
    if (!button) return;
    var fieldset = button.closest("[data-lines]");
    if (!fieldset) return;
    event.preventDefault();
    var op = button.getAttribute("data-op");
    var list = fieldset.querySelector(".hc-lines__list");
    var item = button.closest(".hc-line");
    var focus = null;
    if (op === "add") {
      var fresh = newItem(fieldset);
      list.appendChild(fresh);
      focus = fresh.querySelector("textarea");
    } else if (op === "remove") {
      if (list.querySelectorAll(".hc-line").length > 1) {
        var next = item.nextElementSibling || item.previousElementSibling;
        item.remove();
        focus = next && next.querySelector("textarea");
      } else {
        item.querySelector("textarea").value = "";
        focus = item.querySelector("textarea");
      }
    } else if (op === "up" && item.previousElementSibling) {
      list.insertBefore(item, item.previousElementSibling);
      focus = button;
    } else if (op === "down" && item.nextElementSibling) {
      list.insertBefore(item.nextElementSibling, item);
      focus = button;
    }
    renumber(fieldset);
    if (focus) focus.focus();
  });

  // --- Report editor ---------------------------------------------------------------------
  var RENAME = { B: "strong", I: "em", DIV: "p" };

  function normalise(root) {
    Object.keys(RENAME).forEach(function (tag) {
      root.querySelectorAll(tag).forEach(function (el) {
        var repl = document.createElement(RENAME[tag]);
        while (el.firstChild) repl.appendChild(el.firstChild);
        el.replaceWith(repl);
      });
    });
    return root.innerHTML.trim();
  }

  document.querySelectorAll("textarea[data-richtext]").forEach(function (area) {
    var wrapper = document.createElement("div");
    var toolbar = document.createElement("div");
    var editor = document.createElement("div");
    toolbar.className = "fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-mb-1w";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", "Mise en forme");
    [
      ["bold", "Gras", "fr-icon-bold"],
      ["italic", "Italique", "fr-icon-italic"],
      ["insertUnorderedList", "Liste à puces", "fr-icon-list-unordered"],
      ["insertOrderedList", "Liste numérotée", "fr-icon-list-ordered"],
      ["removeFormat", "Effacer la mise en forme", "fr-icon-eraser-line"]
    ].forEach(function (spec) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "fr-btn fr-btn--tertiary fr-btn--sm fr-btn--icon-left " + spec[2];
      b.textContent = spec[1];
      b.addEventListener("mousedown", function (e) { e.preventDefault(); });
      b.addEventListener("click", function () {
        editor.focus();
        document.execCommand(spec[0], false, null);
        sync();
      });
      toolbar.appendChild(b);
    });
    editor.className = "fr-input hc-report-editor";
    editor.contentEditable = "true";
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    editor.setAttribute("aria-labelledby", area.id + "-label");
    editor.style.minHeight = "14rem";
    editor.style.overflow = "auto";
    editor.innerHTML = area.value;
    function sync() {
      var copy = editor.cloneNode(true);
      area.value = normalise(copy);
    }
    editor.addEventListener("input", sync);
    editor.addEventListener("blur", sync);
    form.addEventListener("submit", sync);
    try { document.execCommand("defaultParagraphSeparator", false, "p"); } catch (e) { /* old browsers */ }
    wrapper.appendChild(toolbar);
    wrapper.appendChild(editor);
    area.hidden = true;
    area.style.display = "none";
    area.parentNode.insertBefore(wrapper, area);
  });
})();
