/* A "Print" button for the printable credit note (/arbeid/oppgjor/<id>/kreditnota/<id>): shown
   only where JavaScript runs (the page says "Ctrl+P" for everyone), since the
   Content-Security-Policy allows no inline handlers. Dash loads every script in this folder on
   its pages too, where no element has data-print: there the script does nothing. */
(function () {
  'use strict';
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();
