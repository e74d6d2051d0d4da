/* A progress bar for the registry-extract upload (/arbeid/innforinger/<id>/leveranser/ny).
 *
 * The form posts itself with XMLHttpRequest so that the <progress> element can follow
 * upload.onprogress; the answer (the delivery's provenance, or the form with the problems of a
 * refused extract) then replaces the page, as a plain form post would. Without JavaScript the
 * form posts as usual. Dash loads every script in its assets folder on its own pages, where
 * there is no upload form: there the script does nothing.
 */
(function () {
  "use strict";

  function percent(loaded, total) {
    return total > 0 ? Math.min(100, Math.round((100 * loaded) / total)) : 0;
  }

  function showPage(xhr) {
    // The answer is a whole page: show it, at its own address (a redirect was followed).
    var url = xhr.responseURL || window.location.href;
    document.open();
    document.write(xhr.responseText);
    document.close();
    if (url !== window.location.href) {
      window.history.replaceState(null, "", url);
    }
  }

  function attach(form) {
    if (form.getAttribute("data-progress-ready")) {
      return;
    }
    form.setAttribute("data-progress-ready", "true");
    var box = document.getElementById("upload-progress-box");
    var bar = document.getElementById("upload-progress");
    var status = document.getElementById("upload-status");
    var button = form.querySelector("button[type=submit]");
    var input = form.querySelector("input[type=file]");

    function report(value, text) {
      bar.value = value;
      bar.setAttribute("aria-valuetext", value + " %");
      status.textContent = text ? value + " % – " + text : value + " %";
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !box || !bar || !status) {
        return; // an old browser: the plain form post
      }
      event.preventDefault();
      var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
      var file = input && input.files && input.files[0];
      box.hidden = false;
      if (file && limit > 0 && file.size > limit) {
        report(0, form.getAttribute("data-too-large"));
        return; // refused here, instead of sending the whole file to be refused
      }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          report(percent(e.loaded, e.total), form.getAttribute("data-sending"));
        }
      };
      xhr.upload.onload = function () {
        report(100, form.getAttribute("data-checking"));
      };
      xhr.onload = function () {
        showPage(xhr);
      };
      xhr.onerror = function () {
        if (button) {
          button.disabled = false;
        }
        status.textContent = form.getAttribute("data-failed");
      };
      if (button) {
        button.disabled = true;
      }
      report(0, form.getAttribute("data-sending"));
      xhr.send(new FormData(form));
    });
  }

  function start() {
    var form = document.getElementById("upload-form");
    if (form && window.XMLHttpRequest) {
      attach(form);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
