// A create form (it carries a submission token) disables its buttons once sent, so a second click sends nothing.
// The server refuses a repeat anyway (cse/core/submission.py); this only spares the user the wait. No inline code:
// the CSP allows none.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (event.defaultPrevented || !form.querySelector("input[name=submission_token]")) return;
  window.setTimeout(function () {  // after the browser has collected the pressed button's name and value
    form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])").forEach(function (b) {
      b.disabled = true;
    });
  }, 0);
});
