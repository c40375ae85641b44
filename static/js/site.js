/* Loaded in <head> on every public page, before the body is drawn: marks that scripts run (so
   the CSS may fold the gene browser's filters behind a button on narrow screens without hiding
   them from a browser without JavaScript) and opens/closes them. The open state lives on <html>,
   so it survives htmx replacing the browser after each filter change. */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function sync() {
    var open = root.classList.contains("filters-open");
    document.querySelectorAll(".filters-toggle").forEach(function (button) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".filters-toggle");
    if (!button) { return; }
    root.classList.toggle("filters-open");
    sync();
  });
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
}());
