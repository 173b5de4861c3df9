// Small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";
  // Auto-submit the language switcher.
  document.querySelectorAll("[data-autosubmit]").forEach(function (element) {
    element.addEventListener("change", function () { element.form.submit(); });
  });
  // Send the CSRF token with htmx requests.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
