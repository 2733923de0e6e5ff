// Selects marked data-autosubmit send their form on change (no inline handlers: the CSP allows none).
document.addEventListener("change", function (event) {
  if (event.target.matches("[data-autosubmit]") && event.target.form) event.target.form.submit();
});
