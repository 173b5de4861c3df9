// Subscribe this browser to alerts near its position (web push, VAPID).
(function () {
  "use strict";
  var box = document.getElementById("subscribe");
  if (!box) { return; }
  var status = box.querySelector("[data-subscribe-status]");
  function say(which) { status.textContent = box.querySelector("[data-msg-" + which + "]").textContent; }
  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  box.querySelector("[data-unsubscribe]").addEventListener("click", function () {
    if (!("serviceWorker" in navigator)) { say("unsupported"); return; }
    navigator.serviceWorker.getRegistration(box.dataset.worker).then(function (registration) {
      return registration ? registration.pushManager.getSubscription() : null;
    }).then(function (subscription) {
      if (!subscription) { say("off"); return; }
      return fetch(box.dataset.remove, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ endpoint: subscription.endpoint })
      }).then(function () { return subscription.unsubscribe(); }).then(function () { say("off"); });
    }, function () { say("unsupported"); });
  });
  box.querySelector("[data-subscribe]").addEventListener("click", function () {
    if (!("serviceWorker" in navigator) || !("PushManager" in window) || !navigator.geolocation) { say("unsupported"); return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      navigator.serviceWorker.register(box.dataset.worker).then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.vapidKey) });
      }).then(function (subscription) {
        return fetch(box.dataset.endpoint, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ subscription: subscription.toJSON(), latitude: position.coords.latitude, longitude: position.coords.longitude })
        });
      }).then(function (response) { say(response.ok ? "ok" : "denied"); }, function () { say("denied"); });
    }, function () { say("denied"); });
  });
})();
