/* The kiosk's link to the server's queues: the /kiosk socket pushes the services whenever a
   queue or an opening changes (and the admin's configuration changes, and printer states); while
   the socket is down, GET /api/services stands in every POLL_MS. It only listens and reads:
   tickets are taken over HTTP by kiosk.js. */
(function () {
  "use strict";

  var POLL_MS = 30000;

  /* Start listening. `on` holds services(list), configuration(), printer(status) and
     offline(isOffline); answers {refresh}, to read the services at once. */
  window.kioskLive = function (servicesUrl, kiosk, on) {
    var socket = null;

    function refresh() {
      return fetch(servicesUrl, { cache: "no-store" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (list) {
          on.offline(false);
          on.services(list);
        })
        .catch(function () { on.offline(true); });
    }

    if (typeof window.io === "function") {
      socket = window.io("/kiosk", { transports: ["websocket"], query: { kiosk: kiosk } });
      socket.on("connect", function () { on.offline(false); });
      socket.on("services", on.services);
      socket.on("configuration", on.configuration);
      socket.on("printer", on.printer);
    }
    setInterval(function () {
      if (!socket || !socket.connected) refresh();
    }, POLL_MS);
    return { refresh: refresh };
  };
})();
