/* The kiosk's link to the server's queues: the /kiosk socket pushes the services whenever a
   queue or an opening changes (and the admin's configuration changes, and printer states); while
   the socket is down, GET /api/services stands in every POLL_MS. It only listens and reads:
   tickets are taken over HTTP by kiosk.js. */

import { api } from "../../static/js/api.js";
import { openSocket } from "../../static/js/live.js";

const POLL_MS = 30000;

/* Start listening. `on` holds services(list), configuration(), printer(status) and
   offline(isOffline); answers {refresh}, to read the services at once. */
export function listen(servicesUrl, kiosk, on) {
  function refresh() {
    return api("GET", servicesUrl, undefined, { cache: "no-store" })
      .then((list) => {
        on.offline(false);
        on.services(list);
      })
      .catch(() => on.offline(true));
  }

  const socket = openSocket("/kiosk", {
    query: { kiosk },
    connected: () => on.offline(false),
    on: { services: on.services, configuration: on.configuration, printer: on.printer },
  });
  setInterval(() => {
    if (!socket || !socket.connected) refresh();
  }, POLL_MS);
  return { refresh };
}
