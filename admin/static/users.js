/* The users page: the services an account may serve are ticked in a list of the services, and
 * sent as ["A", "B", ...] (PUT /api/admin/users/<username>/services). */

import { widgets } from "./page.js";

widgets["service-list"] = {
  read(element) {
    return Array.from(element.querySelectorAll('input[type="checkbox"]:checked'), (box) => box.value);
  },
  write(element, values) {
    const wanted = values || [];
    element.querySelectorAll('input[type="checkbox"]').forEach((box) => {
      box.checked = wanted.includes(box.value);
    });
  },
};
