/* The kiosks page follows each kiosk's printer live: the server pushes `printer` on /kiosk after
   every print (and a print agent's reports), so an admin sees a jam as it happens. */

import { $ } from "../../static/js/dom.js";
import { openSocket } from "../../static/js/live.js";

const table = $("kiosk-table");

function showPrinter(status) {
  for (const cell of table.querySelectorAll("[data-printer-status]")) {
    if (cell.dataset.printerStatus !== status.kiosk) continue;
    cell.dataset.ok = String(status.ok);
    cell.textContent = status.ok
      ? table.dataset.printing
      : table.dataset.printerProblem + (status.reason ? ": " + status.reason : "");
  }
}

if (table) openSocket("/kiosk", { on: { printer: showPrinter } });
