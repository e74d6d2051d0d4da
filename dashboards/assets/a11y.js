/* Accessibility repairs for Dash 4's own component markup (WCAG 2.1, found by axe-core):
 * - dcc.RadioItems renders native radio inputs inside role="option" labels of a role="listbox"
 *   (nested interactive controls, a listbox without a name): make it a named radiogroup of
 *   plain labels, which is what the native radios already are.
 * - dcc.Dropdown's keyboard focus target is a focusable input marked aria-hidden: unhide it, so
 *   screen readers announce the filter by its label when it gets the focus.
 * Runs on every change of the page, since Dash draws components after load. */
(function () {
  function nameOf(el) {
    var section = el.closest('section, fieldset, .card');
    var heading = section && section.querySelector('h2, h3, legend');
    return heading ? heading.textContent.trim() : '';
  }
  function repair(root) {
    root.querySelectorAll('.dash-radioitems[role="listbox"]').forEach(function (el) {
      el.setAttribute('role', 'radiogroup');
      if (!el.getAttribute('aria-label')) { el.setAttribute('aria-label', nameOf(el)); }
    });
    root.querySelectorAll('.dash-radioitems [role="option"]').forEach(function (el) {
      el.removeAttribute('role');
      el.removeAttribute('aria-selected');
    });
    root.querySelectorAll('input.dash-dropdown-focus-target[aria-hidden="true"]').forEach(
      function (el) { el.removeAttribute('aria-hidden'); });
  }
  var scheduled = false;
  new MutationObserver(function () {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { scheduled = false; repair(document); });
  }).observe(document.documentElement, {subtree: true, childList: true, attributes: true,
                                        attributeFilter: ['role', 'aria-hidden']});
  repair(document);
})();
