/* The live link every screen keeps to the server: one socket.io namespace, pushes only (commands
 * go over HTTP). Websocket from the first request, without socket.io's long-polling start: each
 * screen holds one websocket (a greenlet on the server, gunicorn.conf.py). On every connect, the
 * first and each after a drop, the screen reads again what it may have missed (`connected`),
 * since pushes sent while it was away are gone.
 *
 * A paired device (device.js) brings its token in the socket's `auth`, read again at every
 * reconnect; a token the server no longer knows (revoked) is forgotten and the socket connects
 * again unpaired, where the namespace takes unpaired screens.
 *
 * The socket.io client is the vendored classic script (static/vendor/socket.io.min.js), loaded
 * before the modules; it defines the global `io`. Without it the screen works on without pushes.
 */

import { deviceToken, forgetDevice, whoAmI } from "./device.js";

/**
 * Open `namespace`. options (all optional):
 *   query: what the server needs to know the device by (kiosk, counter, display, token);
 *   on: {event: handler} for the pushes;
 *   showLive(isLive): on connect (true), on a drop or a failed attempt (false), and once
 *     (false) when there is no socket client at all;
 *   connected(): on every connect: read again what changed meanwhile;
 *   disconnected(): the link dropped (the client reconnects by itself);
 *   refused(retry): the server turned the connection down, which the client does not retry by
 *     itself; retry() asks again.
 * Answers the socket, or null without a socket client.
 */
export function openSocket(namespace, options = {}) {
  const showLive = options.showLive || (() => {});
  if (typeof window.io !== "function") {
    showLive(false);
    return null;
  }
  const socket = window.io(namespace, {
    transports: ["websocket"],
    query: options.query || {},
    auth: (give) => give(deviceToken() ? { device: deviceToken() } : {}),
    // Its own connection, with its own query: a page may hold two namespaces (the rating
    // tablet listens to `/rating` and shows the counter's face from `/display`), and a
    // shared connection would carry only the first one's query.
    multiplex: false,
    reconnectionDelayMax: 5000,
  });
  socket.on("connect", () => {
    showLive(true);
    if (options.connected) options.connected();
  });
  socket.on("disconnect", (reason) => {
    showLive(false);
    if (options.disconnected) options.disconnected();
    // The server closed a device's socket: it was revoked (whoAmI forgets the token), or the
    // socket is asked again as it is; a refusal then goes to `refused` as usual.
    if (reason === "io server disconnect" && deviceToken()) whoAmI().then(() => socket.connect());
  });
  socket.on("connect_error", (error) => {
    showLive(false);
    if (deviceToken() && String(error && error.message).startsWith("device_unknown")) {
      forgetDevice(); // revoked: carry on as an unpaired screen, where that is allowed
      socket.connect();
      return;
    }
    // A network failure is retried by the client itself (socket.active); a refusal is not.
    if (!socket.active && options.refused) options.refused(() => socket.connect());
  });
  for (const [event, handler] of Object.entries(options.on || {})) socket.on(event, handler);
  return socket;
}
