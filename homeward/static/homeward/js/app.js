// Small progressive enhancements. Everything works without JavaScript.
(function () {
  "use strict";
  // Auto-submit the language switcher.
  document.querySelectorAll("[data-autosubmit]").forEach(function (element) {
    element.addEventListener("change", function () { element.form.submit(); });
  });
  // Optional map point on the clue form: only when the reporter asks for it.
  document.querySelectorAll("[data-geolocate]").forEach(function (button) {
    var status = document.querySelector("[data-geolocate-status]");
    button.addEventListener("click", function () {
      if (!navigator.geolocation) { return; }
      navigator.geolocation.getCurrentPosition(function (position) {
        button.form.elements.latitude.value = position.coords.latitude.toFixed(5);
        button.form.elements.longitude.value = position.coords.longitude.toFixed(5);
        // A browser's position is WGS-84.
        if (button.form.elements.datum) { button.form.elements.datum.value = "wgs84"; }
        if (status) { status.textContent = "✓"; }
      });
    });
  });
  // Send the CSRF token with htmx requests.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
