/* The kiosk's two lists of big buttons: the departments, then one department's services, each
   with who waits and the expected wait, or why it is closed. */

import { element, fill, readJson } from "../../static/js/dom.js";
import {
  closedText,
  departmentName,
  serviceName,
  strings,
  waitingText,
  waitRange,
} from "./page.js";

const departmentOrder = readJson("departments");

/* The services grouped by department, in the center's order; a department the page did not
   know yet (the admin added it since) comes last. */
export function departments(services) {
  const groups = {};
  for (const service of services) {
    (groups[service.department] = groups[service.department] || []).push(service);
  }
  const codes = departmentOrder.filter((code) => groups[code]);
  for (const code of Object.keys(groups)) {
    if (!codes.includes(code)) codes.push(code);
  }
  return codes.map((code) => ({ code, services: groups[code] }));
}

/* Update the buttons in place, keyed by code: a push must not swap a button under a finger. */
function sync(container, items, build) {
  const existing = {};
  for (const child of container.children) existing[child.dataset.code] = child;
  items.forEach((item, index) => {
    const button = existing[item.code] || document.createElement("button");
    delete existing[item.code];
    button.type = "button";
    button.dataset.code = item.code;
    button.replaceChildren(...build(item, button));
    if (container.children[index] !== button) {
      container.insertBefore(button, container.children[index] || null);
    }
  });
  for (const code of Object.keys(existing)) existing[code].remove();
}

export function renderDepartments(container, services) {
  sync(container, departments(services), (department, button) => {
    const open = department.services.filter((service) => service.is_open);
    const waiting = open.reduce((sum, service) => sum + service.waiting, 0);
    button.className = "department" + (open.length ? "" : " is-closed");
    button.dataset.action = "department";
    const meta = open.length ? waitingText(waiting) : strings.department_closed;
    return [
      element("span", "department-name", departmentName(department.services[0])),
      element("span", "department-meta", meta),
    ];
  });
}

export function renderServices(container, services) {
  sync(container, services, (service, button) => {
    button.className = "service" + (service.is_open ? "" : " is-closed");
    button.dataset.action = "service";
    button.disabled = !service.is_open;
    button.setAttribute("aria-disabled", String(!service.is_open));
    const parts = [
      element("span", "service-code", service.code),
      element("span", "service-name", serviceName(service)),
    ];
    if (service.is_open) {
      const range = waitRange(service.estimated_wait_range_min);
      parts.push(element("span", "service-queue", waitingText(service.waiting)));
      if (service.waiting > 0) {
        parts.push(element("span", "service-wait", fill(strings.wait_range, range)));
      }
    } else {
      parts.push(element("span", "service-closed", closedText(service)));
      if (service.closed_reason === "hours" && service.hours.length) {
        const hours = service.hours.map((span) => span.replace("-", "–")).join(", ");
        parts.push(element("span", "service-hours", fill(strings.hours, { hours })));
      }
    }
    return parts;
  });
}
