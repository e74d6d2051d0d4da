/* The price-agreement form (/arbeid/avtaler/...): show only the terms of the chosen type, and
   let table editors (tiers, prices per indication) grow by a row.

   Without this script the form still works: every type's terms are shown and the server uses
   only the chosen type's; blank spare rows are dropped. Dash loads every script in this folder
   on its pages too, so the script does nothing where the form is absent. */
(function () {
  'use strict';

  function showChosenTerms(form) {
    var select = form.querySelector('select[name="type"]');
    var chosen = select ? select.value : form.getAttribute('data-type');
    form.querySelectorAll('fieldset[data-terms-type]').forEach(function (set) {
      var on = set.getAttribute('data-terms-type') === chosen;
      set.hidden = !on;
      set.disabled = !on; // a disabled fieldset is not posted
    });
  }

  function renumber(node, attribute, from, to) {
    var value = node.getAttribute(attribute);
    if (value !== null && value.indexOf(from) !== -1) {
      node.setAttribute(attribute, value.split(from).join(to));
    }
  }

  function addRow(table) {
    var body = table.tBodies[0];
    var last = body.rows[body.rows.length - 1];
    var index = Number(last.getAttribute('data-row'));
    var next = body.rows.length;
    var name = table.getAttribute('data-rows');
    var id = name.split('.').join('-');
    var row = last.cloneNode(true);
    row.setAttribute('data-row', String(next));
    row.querySelectorAll('.field-error').forEach(function (p) { p.remove(); });
    row.querySelectorAll('.has-error').forEach(function (td) { td.classList.remove('has-error'); });
    row.querySelectorAll('[id], input').forEach(function (node) {
      renumber(node, 'id', id + '-' + index, id + '-' + next);
      renumber(node, 'name', name + '.' + index + '.', name + '.' + next + '.');
      renumber(node, 'aria-labelledby', id + '-' + index, id + '-' + next);
      node.removeAttribute('aria-invalid');
      node.removeAttribute('aria-describedby');
    });
    row.querySelectorAll('input').forEach(function (input) { input.value = ''; });
    var header = row.querySelector('th[scope="row"]');
    if (header) {
      header.textContent = table.getAttribute('data-row-label').replace('{n}', String(next + 1));
    }
    body.appendChild(row);
    var first = row.querySelector('input');
    if (first) { first.focus(); }
  }

  function setup() {
    var form = document.getElementById('agreement-form');
    if (!form) { return; }
    form.classList.add('js');
    form.querySelectorAll('.nojs-only').forEach(function (p) { p.hidden = true; });
    var select = form.querySelector('select[name="type"]');
    if (select) { select.addEventListener('change', function () { showChosenTerms(form); }); }
    showChosenTerms(form);
    form.querySelectorAll('button[data-add-row]').forEach(function (button) {
      var table = form.querySelector('table[data-rows="' + button.getAttribute('data-add-row') + '"]');
      if (!table) { return; }
      button.hidden = false;
      button.addEventListener('click', function () { addRow(table); });
    });
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setup);
  } else {
    setup();
  }
}());
