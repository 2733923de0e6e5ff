// The error summary of a form (templates/core/_form.html): on load the focus moves to it, so a screen reader reads
// what went wrong; its links move the focus to the field concerned. Included by every form with errors: once is enough.
(function () {
  "use strict";
  if (window.cseErrorSummary) return;
  window.cseErrorSummary = true;
  var summary = document.querySelector("[data-error-summary]");
  if (!summary) return;
  summary.focus();
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-error-summary] a[href^='#']");
    if (!link) return;
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });
})();
