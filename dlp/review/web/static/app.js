// The review UI's only script (served as a file; the CSP forbids inline script).
// It prevents a double submit of a decision (the first click disables the button)
// and lets "select all on this page" tick every row of the queue.
"use strict";
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== "post") return;
  var buttons = form.querySelectorAll("button[type=submit]");
  window.setTimeout(function () {
    buttons.forEach(function (b) { b.disabled = true; });
  }, 0);
});
document.addEventListener("change", function (event) {
  var box = event.target;
  if (!(box instanceof HTMLInputElement) || box.id !== "select-page") return;
  document.querySelectorAll("input.pick").forEach(function (b) { b.checked = box.checked; });
});
