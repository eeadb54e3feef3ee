/* The kiosks page follows each kiosk's printer live: the server pushes `printer` on /kiosk after
   every print (and a print agent's reports), so an admin sees a jam as it happens. */
(function () {
  "use strict";
  var table = document.getElementById("kiosk-table");
  if (!table || typeof window.io !== "function") return;
  var socket = window.io("/kiosk", { transports: ["websocket"] });
  socket.on("printer", function (status) {
    var cells = table.querySelectorAll("[data-printer-status]");
    for (var i = 0; i < cells.length; i += 1) {
      if (cells[i].dataset.printerStatus !== status.kiosk) continue;
      cells[i].dataset.ok = String(status.ok);
      cells[i].textContent = status.ok
        ? table.dataset.printing
        : table.dataset.printerProblem + (status.reason ? ": " + status.reason : "");
    }
  });
})();
