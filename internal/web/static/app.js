/* gonghui — small progressive enhancement. Every page works without it.
 *
 *  - tree: <button class="tree-toggle" data-children-url="/orgs/1/children"
 *    aria-expanded="false"> fetches that HTML fragment once into the node's
 *    <ul class="tree-children">, then toggles it.
 *  - data-confirm="question" on a form, a submit button or a link asks before
 *    going on (an empty value asks a generic question).
 *  - data-autosubmit on a select/input submits its form on change (keep a
 *    submit button with class "js-hide" for use without JS).
 *  - data-check-all="NAME" on a checkbox ticks every checkbox name=NAME of
 *    its form (bulk actions).
 *  - the menu (nav toggle, user menu) closes with Escape or a click outside.
 *  - a form with errors focuses its first invalid field; a POST form is not
 *    sent twice by a double click.
 *  - [data-org-picker]: the organisation picker searches in place (a
 *    listbox under the box; arrows, Enter, Escape) and fills its hidden
 *    id input.
 */
(function () {
  'use strict';

  var doc = document;
  var root = doc.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  function msg(name, fallback) {
    var v = doc.body && doc.body.getAttribute('data-msg-' + name);
    return v || fallback;
  }

  /* ---------- tree ---------- */

  function childList(btn) {
    var id = btn.getAttribute('aria-controls');
    if (id) {
      var byId = doc.getElementById(id);
      if (byId) return byId;
    }
    var li = btn.closest('li');
    if (li) {
      for (var c = li.firstElementChild; c; c = c.nextElementSibling) {
        if (c.classList.contains('tree-children')) return c;
      }
    }
    var n = btn.nextElementSibling;
    while (n && !n.classList.contains('tree-children')) n = n.nextElementSibling;
    return n;
  }

  function setOpen(btn, list, open) {
    btn.setAttribute('aria-expanded', open ? 'true' : 'false');
    list.hidden = !open;
  }

  function statusItem(text, isError) {
    var li = doc.createElement('li');
    li.className = 'tree-status' + (isError ? ' tree-error' : '');
    li.setAttribute('role', isError ? 'alert' : 'status');
    li.textContent = text;
    return li;
  }

  function hasChildren(list) {
    for (var c = list.firstElementChild; c; c = c.nextElementSibling) {
      if (!c.classList.contains('tree-status')) return true;
    }
    return false;
  }

  function toggleTree(btn) {
    var list = childList(btn);
    if (!list) return;
    if (btn.getAttribute('aria-busy') === 'true') return;
    var open = btn.getAttribute('aria-expanded') !== 'true';
    var url = btn.getAttribute('data-children-url');
    if (!open || !url || btn.hasAttribute('data-loaded') || hasChildren(list)) {
      setOpen(btn, list, open);
      return;
    }
    btn.setAttribute('aria-busy', 'true');
    list.replaceChildren(statusItem(msg('loading', '…'), false));
    setOpen(btn, list, true);
    fetch(url, {
      credentials: 'same-origin',
      headers: { 'X-Requested-With': 'fetch', 'Accept': 'text/html' }
    }).then(function (res) {
      // A redirect here is the sign-in page after the session ended.
      if (!res.ok || res.redirected) throw new Error('HTTP ' + res.status);
      return res.text();
    }).then(function (html) {
      list.innerHTML = html;
      btn.setAttribute('data-loaded', 'true');
      if (!list.firstElementChild) list.appendChild(statusItem(msg('empty', ''), false));
    }).catch(function () {
      list.replaceChildren(statusItem(msg('load-failed', 'Error'), true));
    }).finally(function () {
      btn.removeAttribute('aria-busy');
    });
  }

  doc.addEventListener('click', function (e) {
    var btn = e.target.closest && e.target.closest('.tree-toggle');
    if (btn) {
      e.preventDefault();
      toggleTree(btn);
    }
  });

  /* ---------- confirmation ---------- */

  function ask(el) {
    var q = el.getAttribute('data-confirm');
    return window.confirm(q || msg('confirm', '?'));
  }

  // Buttons and links: capture phase, so nothing else runs when declined.
  doc.addEventListener('click', function (e) {
    var el = e.target.closest && e.target.closest('[data-confirm]');
    if (!el || el.tagName === 'FORM') return;
    if (!ask(el)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  doc.addEventListener('submit', function (e) {
    var form = e.target;
    var sub = e.submitter;
    if (form.hasAttribute('data-confirm') && !(sub && sub.hasAttribute('data-confirm'))) {
      if (!ask(form)) {
        e.preventDefault();
        return;
      }
    }
    if (e.defaultPrevented || (form.method || '').toLowerCase() !== 'post') return;
    // Guard against a double click sending a POST twice.
    if (form.hasAttribute('data-submitting')) {
      e.preventDefault();
      return;
    }
    form.setAttribute('data-submitting', '');
    setTimeout(function () { form.removeAttribute('data-submitting'); }, 4000);
  });

  window.addEventListener('pageshow', function () {
    doc.querySelectorAll('form[data-submitting]').forEach(function (f) {
      f.removeAttribute('data-submitting');
    });
  });

  /* ---------- autosubmit and check-all ---------- */

  doc.addEventListener('change', function (e) {
    var el = e.target;
    if (el.matches('[data-autosubmit]') && el.form) {
      if (el.form.requestSubmit) el.form.requestSubmit();
      else el.form.submit();
      return;
    }
    var all = el.getAttribute && el.getAttribute('data-check-all');
    if (all !== null && all !== undefined && el.form) {
      el.form.querySelectorAll('input[type="checkbox"]').forEach(function (box) {
        if (box.name === all && !box.disabled) {
          box.checked = el.checked;
          var tr = box.closest('tr');
          if (tr) tr.classList.toggle('is-selected', el.checked);
        }
      });
      return;
    }
    if (el.type === 'checkbox' && el.closest('tbody')) {
      var row = el.closest('tr');
      if (row) row.classList.toggle('is-selected', el.checked);
    }
  });

  /* ---------- menus ---------- */

  function closeMenus(except) {
    doc.querySelectorAll('details.user-menu[open], details.nav-group[open]').forEach(function (d) {
      if (d !== except) d.open = false;
    });
  }

  doc.addEventListener('click', function (e) {
    var inMenu = e.target.closest && e.target.closest('details.user-menu, details.nav-group');
    closeMenus(inMenu);
  });

  doc.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape') return;
    var open = doc.querySelector('details.user-menu[open], details.nav-group[open]');
    if (open) {
      open.open = false;
      var s = open.querySelector('summary');
      if (s) s.focus();
      return;
    }
    var nav = doc.getElementById('nav-toggle');
    if (nav && nav.checked) {
      nav.checked = false;
      nav.focus();
    }
  });

  /* ---------- organisation picker ---------- */

  // [data-org-picker] (picker.components.html): the search box becomes a
  // combobox that asks data-endpoint as the user types; choosing a match
  // fills the hidden id input. Without this the search button submits the
  // whole form instead.
  function initPicker(box) {
    var input = box.querySelector('.picker-search input[type="search"]');
    var list = box.querySelector('.picker-list');
    var status = box.querySelector('[data-picker-status]');
    if (!input || !list || !window.fetch) return;
    var field = box.getAttribute('data-field');
    var endpoint = box.getAttribute('data-endpoint');
    var timer = 0, seq = 0, active = -1, items = [];
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-expanded', 'false');
    input.setAttribute('aria-controls', list.id);

    function say(text) { if (status) status.textContent = text; }
    function text(name) { return box.getAttribute('data-msg-' + name) || ''; }

    function close() {
      list.hidden = true;
      input.setAttribute('aria-expanded', 'false');
      input.removeAttribute('aria-activedescendant');
      active = -1;
    }

    function mark(i) {
      var opts = list.querySelectorAll('[role="option"]');
      if (!opts.length) return;
      active = (i + opts.length) % opts.length;
      for (var k = 0; k < opts.length; k++) opts[k].setAttribute('aria-selected', k === active ? 'true' : 'false');
      input.setAttribute('aria-activedescendant', opts[active].id);
      opts[active].scrollIntoView({ block: 'nearest' });
    }

    function render(found, q) {
      items = found;
      list.textContent = '';
      active = -1;
      if (!found.length) {
        var none = doc.createElement('li');
        none.className = 'picker-empty';
        none.textContent = text('none').replace('{q}', q);
        list.appendChild(none);
        say(none.textContent);
      }
      found.forEach(function (it, i) {
        var li = doc.createElement('li');
        li.id = list.id + '-' + i;
        li.setAttribute('role', 'option');
        li.setAttribute('aria-selected', 'false');
        var name = doc.createElement('span');
        name.className = 'name';
        name.textContent = it.name;
        li.appendChild(name);
        if (it.kind) {
          var kind = doc.createElement('span');
          kind.className = 'picker-kind';
          kind.textContent = it.kind;
          li.appendChild(kind);
        }
        li.addEventListener('mousedown', function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (found.length) say(text('count').replace('{n}', String(found.length)));
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    }

    function search() {
      var q = input.value.trim();
      clearTimeout(timer);
      if (!q) { close(); return; }
      var mine = ++seq;
      say(text('searching'));
      fetch(endpoint + '&q=' + encodeURIComponent(q), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
        .then(function (data) { if (mine === seq) render(data.items || [], q); })
        .catch(function () { if (mine === seq) { close(); say(text('failed')); } });
    }

    function choose(i) {
      var it = items[i];
      if (!it) return;
      fill(it.id, it.name);
      input.value = '';
      close();
      say(text('chosen') + ' ' + it.name);
      input.focus();
    }

    // fill puts id in the hidden input and shows name as the choice (none:
    // an optional picker's words for no choice, data-msg-blank).
    function fill(id, name) {
      // The radio list of a search without JavaScript gives way to the
      // hidden input this choice fills.
      var radios = box.querySelector('[data-picker-matches]');
      if (radios) radios.remove();
      var none = box.querySelector('.picker-none');
      if (none) none.remove();
      var hidden = box.querySelector('input[type="hidden"][name="' + field + '"]');
      if (!hidden) {
        hidden = doc.createElement('input');
        hidden.type = 'hidden';
        hidden.name = field;
        hidden.setAttribute('data-picker-value', '');
        box.insertBefore(hidden, box.querySelector('.picker-search'));
      }
      hidden.value = id;
      var chosen = box.querySelector('.picker-chosen');
      if (chosen) {
        var clear = chosen.querySelector('[data-picker-clear]');
        chosen.textContent = '';
        if (id) {
          var lead = doc.createElement('span');
          lead.textContent = text('chosen');
          var strong = doc.createElement('strong');
          strong.className = 'picker-name';
          strong.setAttribute('data-picker-name', '');
          strong.textContent = name;
          chosen.appendChild(lead);
          chosen.appendChild(doc.createTextNode(' '));
          chosen.appendChild(strong);
        } else {
          var blank = doc.createElement('span');
          blank.className = 'muted';
          blank.setAttribute('data-picker-name', '');
          blank.textContent = name;
          chosen.appendChild(blank);
        }
        if (clear) {
          clear.hidden = !id;
          chosen.appendChild(doc.createTextNode(' '));
          chosen.appendChild(clear);
        }
      }
    }

    input.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener('keydown', function (e) {
      var open = !list.hidden && items.length;
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        if (!open) { search(); return; }
        mark(active + (e.key === 'ArrowDown' ? 1 : -1));
      } else if (e.key === 'Enter') {
        // Enter in the box never submits the form: it picks or searches.
        e.preventDefault();
        if (open && active >= 0) choose(active);
        else search();
      } else if (e.key === 'Escape') {
        if (!list.hidden) { e.preventDefault(); close(); }
      }
    });
    // Some keyboards (and automation) send Enter's keypress on its own: it
    // must not submit the form either.
    input.addEventListener('keypress', function (e) { if (e.key === 'Enter') e.preventDefault(); });
    input.addEventListener('blur', function () { setTimeout(close, 150); });
    var btn = box.querySelector('button[name="picker_search"]');
    if (btn) btn.addEventListener('click', function (e) { e.preventDefault(); search(); input.focus(); });
    // An optional picker's "clear" drops the choice in place.
    var clearBtn = box.querySelector('[data-picker-clear]');
    if (clearBtn) clearBtn.addEventListener('click', function (e) {
      e.preventDefault();
      fill('', text('blank'));
      say(text('blank'));
      input.focus();
    });
  }

  Array.prototype.forEach.call(doc.querySelectorAll('[data-org-picker]'), initPicker);

  /* ---------- forms with errors ---------- */

  function focusFirstInvalid() {
    if (doc.querySelector('[autofocus]')) return;
    var bad = doc.querySelector('form [aria-invalid="true"]');
    if (!bad) return;
    if (bad.tagName === 'FIELDSET') bad = bad.querySelector('input') || bad;
    bad.focus();
  }

  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', focusFirstInvalid);
  else focusFirstInvalid();
})();
