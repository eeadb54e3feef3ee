/* The booking page: department -> service -> day -> free slot -> details -> the code, large,
   with its QR; and "find my booking" by code, with cancel. Words come from the template
   (#strings), the services and days from #page-data, the URLs from data-* attributes. */

import { api } from "../../static/js/api.js";
import { $, element, fill, readJson } from "../../static/js/dom.js";

const data = $("book").dataset;
const strings = readJson("strings");
const pageData = readJson("page-data");
const locale = data.language === "en" ? "en-GB" : "vi-VN";
const STEPS = ["step-department", "step-service", "step-day", "step-slot", "step-details", "step-done"];
const choice = { department: null, service: null, day: null, slot: null };

function named(item) {
  return data.language === "en" && item.name_en ? item.name_en : item.name;
}

function dayText(iso) {
  const day = new Date(iso + "T00:00:00Z");
  return day.toLocaleDateString(locale, { weekday: "long", day: "numeric", month: "numeric", timeZone: "UTC" });
}

function show(step) {
  STEPS.forEach((id) => {
    $(id).hidden = id !== step;
  });
  $("error").hidden = true;
  const heading = $(step).querySelector("h2");
  if (heading) heading.scrollIntoView({ block: "start" });
}

function fail(error) {
  const text = strings["error_" + error.code];
  $("error").textContent = text || fill(strings.error_other, { message: error.message || error.code });
  $("error").hidden = false;
  $("error").scrollIntoView({ block: "center" });
}

function choices(container, items, label, pick) {
  container.replaceChildren(
    ...items.map((item) => {
      const button = element("button", "choice", label(item));
      button.type = "button";
      button.addEventListener("click", () => pick(item, button));
      return button;
    })
  );
}

function serviceName(code) {
  const service = pageData.services.find((item) => item.code === code);
  return service ? named(service) : code;
}

function slotText(booking) {
  return dayText(booking.date) + " · " + booking.start + "–" + booking.end;
}

function chooseDepartment(department) {
  choice.department = department;
  const services = pageData.services.filter((service) => service.department === department.code);
  choices($("services"), services, named, chooseService);
  show("step-service");
}

function chooseService(service) {
  choice.service = service;
  $("chosen-service").textContent = named(service);
  choices($("days"), pageData.days, dayText, chooseDay);
  show("step-day");
}

async function chooseDay(day) {
  choice.day = day;
  $("chosen-day").textContent = named(choice.service) + " · " + dayText(day);
  $("slots").replaceChildren();
  $("slots-note").textContent = strings.loading;
  show("step-slot");
  const query = new URLSearchParams({ service: choice.service.code, date: day });
  try {
    const slots = await api("GET", data.slotsUrl + "?" + query, undefined, { cache: "no-store" });
    $("slots-note").textContent = slots.length ? "" : strings.no_slots;
    $("slots").replaceChildren(...slots.map(slotButton));
  } catch (error) {
    $("slots-note").textContent = "";
    fail(error);
  }
}

function slotButton(slot) {
  const full = slot.free <= 0;
  const button = element("button", "choice slot" + (full ? " is-full" : ""));
  button.type = "button";
  button.disabled = full;
  button.dataset.start = slot.start;
  button.append(
    element("span", "slot-time", slot.start + "–" + slot.end),
    element("span", "slot-free", full ? strings.slot_full : fill(strings.slot_free, { n: slot.free }))
  );
  button.addEventListener("click", () => chooseSlot(slot));
  return button;
}

function chooseSlot(slot) {
  choice.slot = slot;
  $("chosen-slot").textContent =
    named(choice.service) + " · " + dayText(choice.day) + " · " + slot.start + "–" + slot.end;
  show("step-details");
  $("name").focus();
}

async function submitBooking(event) {
  event.preventDefault();
  const idNumber = $("id-number").value.trim();
  const body = {
    service: choice.service.code,
    date: choice.day,
    start: choice.slot.start,
    name: $("name").value.trim(),
    phone: $("phone").value.trim(),
  };
  if (idNumber) body.id_number = idNumber;
  $("book-button").disabled = true;
  try {
    const booking = await api("POST", data.appointmentsUrl, body);
    $("done-code").textContent = booking.code;
    $("done-qr").src = data.qrUrl + "?" + new URLSearchParams({ code: booking.code });
    $("done-service").textContent = serviceName(booking.service);
    $("done-slot").textContent = slotText(booking);
    showGuide(pageData.services.find((item) => item.code === booking.service));
    $("details").reset();
    show("step-done");
  } catch (error) {
    fail(error);
    if (error.code === "slot_full" || error.code === "past") chooseDay(choice.day);
  } finally {
    $("book-button").disabled = false;
  }
}

/** What the visitor must bring for the booked service, when the center wrote a guide. */
function showGuide(service) {
  const guide = service && service.guide;
  $("done-guide").hidden = !guide;
  if (!guide) return;
  $("guide-papers").replaceChildren(...guide.papers.map((paper) => element("li", "", paper)));
  for (const [key, id] of [["fee", "guide-fee"], ["processing", "guide-processing"], ["legal_basis", "guide-legal"]]) {
    $(id).textContent = guide[key] || "";
    $(id + "-line").hidden = !guide[key];
  }
}

function showFound(booking) {
  $("found-code").textContent = booking.code;
  $("found-name").textContent = booking.name;
  $("found-service").textContent = serviceName(booking.service);
  $("found-slot").textContent = slotText(booking);
  $("found-status").textContent = strings["status_" + booking.status] || booking.status;
  $("found-status").dataset.status = booking.status;
  $("cancel").hidden = booking.status !== "booked";
  $("found").hidden = false;
}

function bookingUrl(code, action) {
  return data.appointmentsUrl + "/" + encodeURIComponent(code) + (action ? "/" + action : "");
}

async function findBooking(event) {
  if (event) event.preventDefault();
  const code = $("find-code").value.replace(/[\s-]/g, "").toUpperCase();
  if (!code) return;
  $("error").hidden = true;
  try {
    showFound(await api("GET", bookingUrl(code), undefined, { cache: "no-store" }));
  } catch (error) {
    $("found").hidden = true;
    fail(error);
  }
}

async function cancelBooking(event) {
  event.preventDefault();
  $("cancel-button").disabled = true;
  try {
    const booking = await api("POST", bookingUrl($("found-code").textContent, "cancel"), {
      phone: $("cancel-phone").value.trim(),
    });
    showFound(booking);
    $("cancel").reset();
    $("found-status").textContent = strings.cancelled;
  } catch (error) {
    fail(error);
  } finally {
    $("cancel-button").disabled = false;
  }
}

choices($("departments"), pageData.departments, named, chooseDepartment);
$("no-services").hidden = pageData.departments.length > 0;
document.querySelectorAll("[data-back]").forEach((button) => {
  button.addEventListener("click", () => show(button.dataset.back));
});
$("details").addEventListener("submit", submitBooking);
$("find").addEventListener("submit", findBooking);
$("cancel").addEventListener("submit", cancelBooking);
if (data.code) findBooking();
