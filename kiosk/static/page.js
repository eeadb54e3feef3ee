/* What the kiosk page gives its scripts: the words in the visitor's language (#strings, chosen
   on the start screen) and how to name a service, its department and its wait. */

import { $, fill, readJson } from "../../static/js/dom.js";

export const strings = readJson("strings");
export const english = $("kiosk").dataset.language === "en";

export function serviceName(service) {
  return english && service.name_en ? service.name_en : service.name;
}

export function departmentName(service) {
  return english && service.department_name_en
    ? service.department_name_en
    : service.department_name;
}

/* The server gives the range, so the paper ticket and every screen agree. */
export function waitRange(range) {
  return { low: range[0], high: range[1] };
}

export function waitingText(count) {
  if (count === 0) return strings.waiting_none;
  return count === 1 ? strings.waiting_one : fill(strings.waiting_many, { n: count });
}

export function closedText(service) {
  return service.closed_reason === "quota_reached" ? strings.closed_quota : strings.closed_hours;
}
