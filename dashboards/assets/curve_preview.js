/* The working pages' row editors and the live preview of an assumed survival curve.
 *
 * Progressive enhancement only: without this script the forms work as they are (blank spare
 * rows, every parameter input shown). Dash loads every script in assets/ on its own pages too,
 * so nothing happens on a page without a row editor or a curve editor.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var WIDTH = 480, HEIGHT = 240, LEFT = 46, RIGHT = 14, TOP = 10, BOTTOM = 40;
  var RENAMED = ["name", "id", "for", "aria-labelledby", "aria-describedby", "data-prefix",
                 "data-rows", "data-add-row", "data-row-prefix"];

  function escapeRe(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function decimal(text) {
    return document.documentElement.lang === "en" ? text : text.replace(".", ",");
  }

  /* --- row editors: "Legg til rad" clones the last row with the next number --------------- */

  function renumber(node, prefix, from, to) {
    var dotted = new RegExp(escapeRe(prefix) + "\\." + from + "(?=\\.|$)", "g");
    var dashed = new RegExp(escapeRe(prefix.replace(/\./g, "-")) + "-" + from + "(?=-|$)", "g");
    var nodes = [node].concat(Array.prototype.slice.call(node.querySelectorAll("*")));
    nodes.forEach(function (el) {
      RENAMED.forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value === null || (el === node && attr === "data-row-prefix")) return;
        el.setAttribute(attr, value.replace(dotted, prefix + "." + to)
                                   .replace(dashed, prefix.replace(/\./g, "-") + "-" + to));
      });
    });
  }

  function clearRow(row) {
    row.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    row.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    row.querySelectorAll("input, select, textarea").forEach(function (el) {
      el.removeAttribute("aria-invalid");
      var described = (el.getAttribute("aria-describedby") || "").split(" ")
        .filter(function (id) { return id && id.indexOf("error-") !== 0; });
      if (described.length) el.setAttribute("aria-describedby", described.join(" "));
      else el.removeAttribute("aria-describedby");
      if (el.tagName === "SELECT") el.selectedIndex = 0;
      else if (el.type !== "hidden" && el.type !== "checkbox") el.value = "";
    });
  }

  function addRow(button) {
    var prefix = button.getAttribute("data-add-row");
    var container = document.querySelector('[data-rows="' + prefix + '"]');
    if (!container) return;
    var rows = Array.prototype.filter.call(container.children, function (el) {
      return el.getAttribute("data-row-prefix") === prefix;
    });
    if (!rows.length) return;
    var last = rows[rows.length - 1];
    var to = rows.length;
    var copy = last.cloneNode(true);
    renumber(copy, prefix, last.getAttribute("data-index"), to);
    copy.setAttribute("data-index", String(to));
    clearRow(copy);
    copy.querySelectorAll("[data-row-label]").forEach(function (el) {
      if (el.closest("[data-row-prefix]") === copy) {
        el.textContent = el.getAttribute("data-row-label").replace("{n}", String(to + 1));
      }
    });
    container.appendChild(copy);
    var first = copy.querySelector("input:not([type=hidden]), select, textarea");
    if (first) first.focus();
  }

  /* --- the curve preview ------------------------------------------------------------------- */

  function svg(name, attrs, text) {
    var el = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function distributionOf(editor) {
    var select = editor.querySelector('select[name$="distribution"]');
    return select ? select.value : "";
  }

  function showParameters(editor) {
    var chosen = distributionOf(editor);
    editor.querySelectorAll("[data-param-for]").forEach(function (part) {
      part.hidden = part.getAttribute("data-param-for").split(" ").indexOf(chosen) < 0;
    });
    editor.querySelectorAll("[data-no-js-hint]").forEach(function (el) { el.hidden = true; });
  }

  function draw(editor, answer) {
    var box = editor.querySelector(".curve-preview");
    var figure = box.querySelector("svg");
    while (figure.firstChild) figure.removeChild(figure.firstChild);
    var w = WIDTH - LEFT - RIGHT, h = HEIGHT - TOP - BOTTOM;
    var x = function (t) { return LEFT + (t / answer.horizon) * w; };
    var y = function (s) { return TOP + (1 - s) * h; };
    figure.appendChild(svg("title", {}, answer.label));
    [0, 0.25, 0.5, 0.75, 1].forEach(function (s) {
      figure.appendChild(svg("line", {x1: LEFT, x2: LEFT + w, y1: y(s), y2: y(s),
                                      stroke: "#d9dee3", "stroke-width": 1}));
      figure.appendChild(svg("text", {x: LEFT - 6, y: y(s) + 4, "text-anchor": "end",
                                      "font-size": 11, fill: "#3d4a55"}, decimal(String(s))));
    });
    answer.ticks.forEach(function (tick) {
      figure.appendChild(svg("line", {x1: x(tick[0]), x2: x(tick[0]), y1: TOP + h,
                                      y2: TOP + h + 4, stroke: "#3d4a55"}));
      figure.appendChild(svg("text", {x: x(tick[0]), y: TOP + h + 16, "text-anchor": "middle",
                                      "font-size": 11, fill: "#3d4a55"}, tick[1]));
    });
    figure.appendChild(svg("text", {x: LEFT + w / 2, y: HEIGHT - 6, "text-anchor": "middle",
                                    "font-size": 11, fill: "#3d4a55"}, answer.unit_label));
    if (answer.median !== null && answer.median <= answer.horizon) {
      figure.appendChild(svg("polyline", {
        "class": "curve-median", fill: "none", stroke: "#9a5b00", "stroke-width": 1.5,
        "stroke-dasharray": "4 3",
        points: LEFT + "," + y(0.5) + " " + x(answer.median) + "," + y(0.5) + " " +
                x(answer.median) + "," + (TOP + h)}));
    }
    var points = answer.points.map(function (p) {
      return x(p[0]).toFixed(1) + "," + y(p[1]).toFixed(1);
    }).join(" ");
    figure.appendChild(svg("polyline", {"class": "curve-line", fill: "none", stroke: "#1f4e79",
                                        "stroke-width": 2.5, points: points}));
    figure.setAttribute("aria-label", answer.label);
    box.querySelector(".curve-summary").textContent =
      [answer.summary].concat(answer.landmarks).join(" · ");
    box.querySelector(".curve-problems").textContent = "";
    box.hidden = false;
  }

  function problems(editor, answer) {
    var box = editor.querySelector(".curve-preview");
    var figure = box.querySelector("svg");
    figure.querySelectorAll(".curve-line, .curve-median").forEach(function (el) { el.remove(); });
    box.querySelector(".curve-summary").textContent = answer.message || "";
    var list = box.querySelector(".curve-problems");
    list.textContent = "";
    (answer.errors || []).forEach(function (error) {
      var item = document.createElement("li");
      item.textContent = error.label + ": " + error.message;
      list.appendChild(item);
    });
    box.hidden = false;
  }

  function request(editor) {
    var form = editor.closest("form");
    var token = form && form.querySelector('[name="csrf_token"]');
    if (!token) return;
    var data = new FormData();
    data.append("csrf_token", token.value);
    data.append("prefix", editor.getAttribute("data-prefix") || "");
    editor.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (!el.disabled) data.append(el.name, el.value);
    });
    var sent = (editor._sent || 0) + 1;
    editor._sent = sent;
    fetch(editor.getAttribute("data-preview-url"), {
      method: "POST", body: data, credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (editor._sent !== sent) return;  // a later keystroke has asked again
      if (answer.ok) draw(editor, answer); else problems(editor, answer);
    }).catch(function () { /* no preview; the form still works */ });
  }

  function watch(editor) {
    var timer = null;
    var later = function () {
      showParameters(editor);
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { request(editor); }, 250);
    };
    editor.addEventListener("input", later);
    editor.addEventListener("change", later);
    showParameters(editor);
    if (distributionOf(editor)) request(editor);
  }

  function start() {
    document.querySelectorAll("button[data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { addRow(button); });
    });
    document.querySelectorAll(".curve-editor[data-preview-url]").forEach(watch);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
