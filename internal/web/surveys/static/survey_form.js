// The survey form's questions, enhanced; page_form.go keeps the form
// working without this script (rows named questions.N.*, options one a
// line in a textarea, skip rules refreshed by a button).
//
// With it: each question moves up or down and is removed with buttons,
// "add a question" appends a row; options are one input each (added,
// removed, moved) written back into the row's textarea, which is what the
// server reads; fields show by the question's type; and a skip rule is
// picked from the earlier choice questions' options as they are typed.
// Rules follow their question and option by identity while rows and
// options move (the list's values are positions, recomputed each time),
// and rows are renumbered (names, ids, labels) so the server reads them in
// the order shown. Once a survey has responses its questions are frozen
// and the page does not load this enhancement (no data-survey-form).
(function () {
  "use strict";
  var form = document.querySelector("form[data-survey-form]");
  var list = form && form.querySelector(".survey-rows");
  if (!list || !list.lastElementChild) return;
  var w = form.dataset;
  var blank = list.lastElementChild.cloneNode(true);
  var seq = 0;

  function key() { seq += 1; return "k" + seq; }
  function fmt(s, vals) {
    return (s || "").replace(/\{(\w+)\}/g, function (m, k) { return k in vals ? vals[k] : m; });
  }
  function cut(s, n) { return s.length > n ? s.slice(0, n) + "…" : s; }
  function part(li, name) { return li.querySelector('[name$=".' + name + '"]'); }
  function fieldOf(el) { return el ? el.closest(".field") : null; }
  function rows() { return Array.prototype.slice.call(list.children); }
  function button(text, cls, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-small " + cls;
    b.textContent = text;
    if (label) { b.setAttribute("aria-label", label); b.title = label; }
    return b;
  }
  function isChoice(t) { return t === "single" || t === "multiple"; }
  function optionItems(li) {
    return Array.prototype.slice.call(li.querySelectorAll(".survey-opt-item")).filter(function (it) {
      return it.querySelector("input").value.trim() !== "";
    });
  }

  // A fresh row from the empty one the page ended with.
  function cleaned(li) {
    li.querySelectorAll("input, textarea, select").forEach(function (el) {
      if (el.type === "checkbox") el.checked = false;
      else if (el.tagName === "SELECT") el.selectedIndex = 0;
      else el.value = "";
      el.removeAttribute("aria-invalid");
    });
    li.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    return li;
  }

  // ---------- options ----------

  // labelOptions names each option's input and points the label at the first.
  function labelOptions(li) {
    var inputs = li.querySelectorAll(".survey-opt-input");
    inputs.forEach(function (inp, i) {
      inp.setAttribute("aria-label", fmt(w.wOptionN, { n: i + 1 }));
      inp.id = part(li, "options").id + "-o" + (i + 1);
    });
    var label = fieldOf(part(li, "options")).querySelector(".field-label");
    if (label && inputs[0]) label.htmlFor = inputs[0].id;
  }

  function syncOptions(li) {
    labelOptions(li);
    var values = [];
    li.querySelectorAll(".survey-opt-input").forEach(function (inp) {
      if (inp.value.trim() !== "") values.push(inp.value.trim());
    });
    part(li, "options").value = values.join("\n");
    refresh();
  }

  function addOption(li, value) {
    var ol = li.querySelector(".survey-opt-list");
    var item = document.createElement("li");
    item.className = "survey-opt-item";
    item.dataset.key = key();
    var inp = document.createElement("input");
    inp.type = "text";
    inp.className = "survey-opt-input";
    inp.maxLength = 100;
    inp.value = value;
    var up = button("↑", "survey-opt-up", w.wOptionUp);
    var down = button("↓", "survey-opt-down", w.wOptionDown);
    var del = button("✕", "survey-opt-remove", w.wOptionRemove);
    item.append(inp, up, down, del);
    ol.appendChild(item);
    inp.addEventListener("input", function () { syncOptions(li); });
    inp.addEventListener("keydown", function (e) {
      // Enter adds the next option instead of sending the form.
      if (e.key === "Enter") {
        e.preventDefault();
        var next = item.nextElementSibling ? item.nextElementSibling.querySelector("input") : addOption(li, "");
        next.focus();
        syncOptions(li);
      }
    });
    up.addEventListener("click", function () {
      if (item.previousElementSibling) { ol.insertBefore(item, item.previousElementSibling); syncOptions(li); up.focus(); }
    });
    down.addEventListener("click", function () {
      if (item.nextElementSibling) { ol.insertBefore(item.nextElementSibling, item); syncOptions(li); down.focus(); }
    });
    del.addEventListener("click", function () {
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      syncOptions(li);
      (next ? next.querySelector("input") : li.querySelector(".survey-add-option")).focus();
    });
    return inp;
  }

  function setupOptions(li) {
    var ta = part(li, "options");
    var f = fieldOf(ta);
    ta.hidden = true;
    f.querySelectorAll(".field-hint").forEach(function (h) { h.hidden = true; });
    var box = document.createElement("div");
    box.className = "survey-opt-editor";
    var ol = document.createElement("ol");
    ol.className = "survey-opt-list";
    var add = button(w.wAddOption, "survey-add-option");
    box.append(ol, add);
    ta.after(box);
    var label = f.querySelector(".field-label");
    if (label && w.wOptions) label.textContent = w.wOptions;
    var values = ta.value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    if (values.length === 0) values = ["", ""];
    values.forEach(function (v) { addOption(li, v); });
    labelOptions(li);
    add.addEventListener("click", function () { addOption(li, "").focus(); syncOptions(li); });
  }

  // ---------- a question row ----------

  function byType(li) {
    var t = part(li, "type").value;
    fieldOf(part(li, "options")).hidden = !isChoice(t);
    fieldOf(part(li, "other")).hidden = !isChoice(t);
    fieldOf(part(li, "min_picks")).hidden = t !== "multiple";
    fieldOf(part(li, "max_picks")).hidden = t !== "multiple";
    fieldOf(part(li, "scale")).hidden = t !== "rating";
  }

  function move(li, by, focus) {
    var other = by < 0 ? li.previousElementSibling : li.nextElementSibling;
    if (!other) return;
    if (by < 0) list.insertBefore(li, other); else list.insertBefore(other, li);
    refresh();
    focus.focus();
  }

  function removeRow(li) {
    if (list.children.length === 1) {
      // The last row is emptied rather than removed: a survey has a question.
      var fresh = cleaned(blank.cloneNode(true));
      list.replaceChild(fresh, li);
      setupRow(fresh);
      refresh();
      part(fresh, "title").focus();
      return;
    }
    var next = li.nextElementSibling || li.previousElementSibling;
    li.remove();
    refresh();
    part(next, "title").focus();
  }

  function setupRow(li) {
    li.dataset.key = key();
    li.dataset.rule = li.dataset.rule || "";
    var rm = part(li, "remove");
    if (rm) { rm.checked = false; fieldOf(rm).hidden = true; }
    var head = li.querySelector(".survey-row-n");
    var bar = document.createElement("div");
    bar.className = "survey-row-head";
    head.before(bar);
    var tools = document.createElement("div");
    tools.className = "survey-row-tools";
    var up = button(w.wUp, "survey-up"), down = button(w.wDown, "survey-down"), del = button(w.wRemove, "survey-remove");
    tools.append(up, down, del);
    bar.append(head, tools);
    up.addEventListener("click", function () { move(li, -1, up); });
    down.addEventListener("click", function () { move(li, 1, down); });
    del.addEventListener("click", function () { removeRow(li); });
    setupOptions(li);
    byType(li);
    part(li, "type").addEventListener("change", function () { byType(li); refresh(); });
    part(li, "title").addEventListener("input", refresh);
    part(li, "show_if").addEventListener("change", function (e) {
      var o = e.target.selectedOptions[0];
      li.dataset.rule = (o && o.dataset.rule) || "";
    });
  }

  // ---------- numbers and skip rules ----------

  var renamed = /questions([.-])\d+([.-])/g;
  function renumber(all) {
    all.forEach(function (li, i) {
      li.querySelector(".survey-row-n").textContent = fmt(w.wQuestionN, { n: i + 1 });
      li.querySelectorAll("[name], [id], label[for], [aria-describedby]").forEach(function (el) {
        ["name", "id", "for", "aria-describedby"].forEach(function (a) {
          var v = el.getAttribute(a);
          if (v) el.setAttribute(a, v.replace(renamed, "questions$1" + i + "$2"));
        });
      });
      li.querySelector(".survey-up").disabled = i === 0;
      li.querySelector(".survey-down").disabled = i === all.length - 1;
    });
  }

  // refresh renumbers the rows and rebuilds every skip-rule list from the
  // earlier choice questions, keeping each rule on its question and
  // option; a rule whose target is no longer earlier (or no longer a
  // choice) shows as "always" and comes back if the target does.
  function refresh() {
    var all = rows();
    renumber(all);
    var seen = [];
    all.forEach(function (li, i) {
      var sel = part(li, "show_if");
      var want = li.dataset.rule;
      sel.textContent = "";
      var always = document.createElement("option");
      always.value = "";
      always.textContent = w.wAlways;
      sel.appendChild(always);
      seen.forEach(function (q) {
        q.items.forEach(function (it, k) {
          var o = document.createElement("option");
          o.value = q.n + "." + k;
          o.dataset.rule = q.key + "/" + it.dataset.key;
          o.textContent = fmt(w.wShowIf, { n: q.n + 1, title: cut(q.title || fmt(w.wQuestionN, { n: q.n + 1 }), 20), option: it.querySelector("input").value.trim() });
          o.selected = o.dataset.rule === want;
          sel.appendChild(o);
        });
      });
      if (isChoice(part(li, "type").value)) {
        seen.push({ n: i, key: li.dataset.key, title: part(li, "title").value.trim(), items: optionItems(li) });
      }
    });
  }

  // ---------- start ----------

  document.documentElement.classList.add("survey-form-js");
  // The empty rows the page ends with are for typing without the script:
  // with it, "add a question" makes rows, so only a lone empty one stays.
  function empty(li) {
    return ["title", "options", "hint"].every(function (n) { return part(li, n).value.trim() === ""; });
  }
  while (list.children.length > 1 && empty(list.lastElementChild) &&
    (empty(list.lastElementChild.previousElementSibling) || !rows().every(empty))) {
    list.lastElementChild.remove();
  }
  var all = rows();
  // The rules as the page has them ("Q.O"), read before rows get their editors.
  var rules = all.map(function (li) { return /^(\d+)\.(\d+)$/.exec(part(li, "show_if").value); });
  all.forEach(setupRow);
  all.forEach(function (li, i) {
    var m = rules[i];
    var src = m && all[+m[1]];
    var it = src && optionItems(src)[+m[2]];
    if (it) li.dataset.rule = src.dataset.key + "/" + it.dataset.key;
  });
  var tools = form.querySelector(".survey-tools");
  var add = button(w.wAddQuestion, "survey-add");
  var p = document.createElement("p");
  p.className = "survey-add-bar";
  p.appendChild(add);
  (tools || list).after(p);
  add.addEventListener("click", function () {
    var li = cleaned(blank.cloneNode(true));
    list.appendChild(li);
    setupRow(li);
    refresh();
    part(li, "title").focus();
  });
  refresh();
})();
