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
  // Place picker: a township search or a tap on the district map fills the position.
  document.querySelectorAll("[data-place-picker]").forEach(function (picker) {
    var form = picker.closest("form");
    var svg = picker.querySelector("[data-place-map] svg");
    var status = picker.querySelector("[data-place-status]");
    var results = picker.querySelector("[data-place-results]");
    var search = picker.querySelector("[data-place-search]");
    var a = parseFloat(picker.dataset.a), b = parseFloat(picker.dataset.b);
    var c = parseFloat(picker.dataset.c), d = parseFloat(picker.dataset.d);
    var svgNs = "http://www.w3.org/2000/svg";
    function template(name) {
      var node = picker.querySelector("[data-place-text-" + name + "]");
      return node ? node.innerHTML : "";
    }
    function mark(lat, lon) {
      if (!svg) { return; }
      var dot = svg.querySelector("circle.picked");
      if (!dot) {
        dot = document.createElementNS(svgNs, "circle");
        dot.setAttribute("class", "picked");
        dot.setAttribute("r", "6");
        svg.appendChild(dot);
      }
      dot.setAttribute("cx", String((lon - b) / a));
      dot.setAttribute("cy", String((lat - d) / c));
    }
    var districts = JSON.parse(picker.dataset.districts || "{}");
    function district(id) {
      var select = form.elements.division;
      if (!select || !id) { return; }
      if (select.querySelector('option[value="' + id + '"]')) { select.value = String(id); }
    }
    // The map and the township positions are GCJ-02 (the shipped boundaries' datum):
    // a point chosen here says so in the form's datum field.
    function choose(lat, lon, place, approximate) {
      form.elements.latitude.value = lat.toFixed(5);
      form.elements.longitude.value = lon.toFixed(5);
      if (form.elements.datum) { form.elements.datum.value = "gcj02"; }
      if (place && form.elements.last_seen_place && !form.elements.last_seen_place.value) {
        form.elements.last_seen_place.value = place;
      }
      mark(lat, lon);
      if (status) {
        status.textContent = template("chosen") + " " + lat.toFixed(5) + ", " + lon.toFixed(5) +
          " · " + template("datum") + (approximate ? " " + approximate : "");
      }
    }
    if (svg) {
      svg.addEventListener("click", function (event) {
        var point = svg.createSVGPoint();
        point.x = event.clientX;
        point.y = event.clientY;
        var local = point.matrixTransform(svg.getScreenCTM().inverse());
        var region = event.target.closest ? event.target.closest("path[data-code]") : null;
        if (region) { district(districts[region.dataset.code]); }
        choose(c * local.y + d, a * local.x + b, "", "");
      });
    }
    if (search && results) {
      var timer = null;
      search.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(function () {
          var query = search.value.trim();
          results.textContent = "";
          if (!query) { return; }
          fetch(picker.dataset.searchUrl + "?q=" + encodeURIComponent(query), {
            credentials: "same-origin", headers: { "Accept": "application/json" }
          }).then(function (response) { return response.json(); }).then(function (data) {
            results.textContent = "";
            if (!data.results.length) {
              var none = document.createElement("li");
              none.textContent = template("none");
              results.appendChild(none);
            }
            data.results.forEach(function (place) {
              var item = document.createElement("li");
              var button = document.createElement("button");
              button.type = "button";
              // A township's point is its district's centre: the name says so.
              var approximate = place.approximate ? place.position : "";
              button.textContent = place.label + (approximate ? " " + approximate : "");
              button.addEventListener("click", function () {
                district(place.division);
                choose(place.lat, place.lon, place.label, approximate);
                results.textContent = "";
              });
              item.appendChild(button);
              results.appendChild(item);
            });
          });
        }, 250);
      });
    }
  });
  // Send the CSRF token with htmx requests.
  document.body.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("meta[name=csrf-token]");
    if (token) { event.detail.headers["X-CSRFToken"] = token.content; }
  });
})();
