/* A clerk makes a waiting ticket priority (or regular again): the visitor who should have
 * pressed "priority" at the kiosk. The ticket is found by its label; the server logs why. */

import { api } from "../../static/js/api.js";
import { fill } from "../../static/js/dom.js";
import { showMessage } from "./messages.js";
import { priorityNames, strings } from "./page.js";

/** Change the priority of today's ticket `label`; failures go to onError(error, context). */
export async function prioritise(ticketsUrl, payload, onError) {
  const { label, priority, reason } = payload;
  try {
    const found = await api("GET", ticketsUrl + "/label/" + encodeURIComponent(label));
    const ticket = found.ticket;
    if (ticket.status !== "waiting") {
      showMessage(fill(strings.errors.not_waiting_priority, { label: ticket.label }), "error");
      return;
    }
    await api("POST", ticketsUrl + "/" + ticket.id + "/priority", { priority, reason });
    const values = { label: ticket.label, category: priorityNames[priority] || priority };
    showMessage(fill(priority ? strings.prioritised : strings.unprioritised, values), "success");
  } catch (error) {
    onError(error, { label });
  }
}
