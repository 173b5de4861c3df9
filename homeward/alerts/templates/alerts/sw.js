/* Homeward service worker: shows a pushed missing-child alert; a tap opens its page. */
self.addEventListener("push", function (event) {
  var data = {};
  try { data = event.data ? event.data.json() : {}; } catch (e) { data = {}; }
  event.waitUntil(self.registration.showNotification(data.title || "{{ _('Missing child')|escapejs }}", {
    body: data.body || "",
    data: { url: data.url || "/public/alerts/" },
    requireInteraction: true,
    tag: data.alert || "homeward-alert"
  }));
});
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  event.waitUntil(clients.openWindow(event.notification.data.url));
});
