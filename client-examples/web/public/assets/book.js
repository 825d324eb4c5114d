import {
  clock,
  day,
  element,
  graphql,
  instant,
  liveClient,
  show,
  subscribe
} from "./shared-SMPR45WW.js";

// src/book.js
var LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on SignIn { token user { name patients { id name } } } ... on Problem { message } } }`;
var PRACTITIONERS = `{ practitioners { id name services { id name durationMinutes } } }`;
var SLOTS = `query($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { openUntil slots { start location { name } } } }`;
var SLOT_CHANGES = `subscription($p: ID!, $from: DateTime!, $to: DateTime!) {
  slotChanges(practitionerId: $p, from: $from, to: $to) { start state } }`;
var HOLD = `mutation($p: ID!, $s: ID!, $start: DateTime!, $key: String) {
  hold(practitionerId: $p, serviceId: $s, start: $start, clientKey: $key) {
    __typename ... on Hold { expiresAt appointment { id start } } ... on Problem { message } } }`;
var REQUEST = `mutation($id: ID!, $patientId: ID!, $note: String) {
  request(appointmentId: $id, patientId: $patientId, note: $note) {
    __typename ... on Appointment { id status start patient { name } } ... on Problem { message } } }`;
var MY_UPDATES = `subscription { myAppointmentUpdates { id status } }`;
var page = { token: null, user: null, live: null, stopSlots: null, held: null, booked: null };
var $ = (id) => document.getElementById(id);
function windowDays() {
  const from = /* @__PURE__ */ new Date();
  const to = new Date(from.getTime() + 7 * 24 * 3600 * 1e3);
  return { from: from.toISOString(), to: to.toISOString() };
}
async function signIn(event) {
  event.preventDefault();
  const result = (await graphql(LOGIN, { email: $("email").value, password: $("password").value })).login;
  if (result.__typename !== "SignIn") return show("signin-message", result.message, "problem");
  page.token = result.token;
  page.user = result.user;
  page.live = liveClient(page.token);
  $("signin").hidden = true;
  $("booking").hidden = false;
  show("who", `Signed in as ${result.user.name}`);
  $("patient").replaceChildren(...result.user.patients.map((p) => element("option", { value: p.id }, p.name)));
  subscribe(page.live, MY_UPDATES, {}, ({ myAppointmentUpdates: a }) => {
    if (page.booked && a.id === page.booked.id) show("status", `Appointment ${a.id}: ${a.status}`, "done");
  }, () => {
  });
  await loadPractitioners();
}
async function loadPractitioners() {
  const { practitioners } = await graphql(PRACTITIONERS);
  page.practitioners = practitioners;
  $("practitioner").replaceChildren(...practitioners.map((p) => element("option", { value: p.id }, p.name)));
  choosePractitioner();
}
function choosePractitioner() {
  const practitioner = page.practitioners.find((p) => p.id === $("practitioner").value);
  $("service").replaceChildren(
    ...practitioner.services.map((s) => element("option", { value: s.id }, `${s.name} (${s.durationMinutes} min)`))
  );
  loadSlots();
}
async function loadSlots() {
  const p = $("practitioner").value;
  const s = $("service").value;
  const range = windowDays();
  const { availableSlots } = await graphql(SLOTS, { p, s, ...range });
  renderSlots(availableSlots);
  if (page.stopSlots) page.stopSlots();
  page.stopSlots = subscribe(page.live, SLOT_CHANGES, { p, ...range }, ({ slotChanges: change }) => {
    if (change.state === "FREE") loadSlots();
    else removeSlot(change.start);
  }, (ended) => {
    if (ended) setTimeout(loadSlots, 1e3);
  });
}
function renderSlots({ slots, openUntil }) {
  const list = $("slots");
  list.replaceChildren(...slots.map((slot) => element(
    "li",
    {},
    element(
      "button",
      { class: "slot", "data-start": slot.start, "data-instant": instant(slot.start), onclick: () => hold(slot) },
      `${day(slot.start)} ${clock(slot.start)}`,
      element("small", {}, slot.location.name)
    )
  )));
  show("slots-message", slots.length ? `${slots.length} free slots` : `No free slots; online booking is open until ${openUntil ?? "further notice"}`);
}
function removeSlot(start) {
  for (const button of document.querySelectorAll("#slots button.slot")) {
    if (Number(button.dataset.instant) === instant(start) && !button.classList.contains("mine")) button.parentElement.remove();
  }
  show("slots-message", `${document.querySelectorAll("#slots button.slot").length} free slots`);
}
async function hold(slot) {
  const result = (await graphql(HOLD, {
    p: $("practitioner").value,
    s: $("service").value,
    start: slot.start,
    key: crypto.randomUUID()
  }, page.token)).hold;
  if (result.__typename !== "Hold") {
    show("status", result.message, "problem");
    return loadSlots();
  }
  page.held = result.appointment;
  for (const button of document.querySelectorAll(`#slots button[data-instant="${instant(slot.start)}"]`)) button.classList.add("mine");
  $("held").hidden = false;
  show("held-message", `Held ${day(slot.start)} ${clock(slot.start)} for you until ${clock(result.expiresAt)}`);
}
async function request(event) {
  event.preventDefault();
  const result = (await graphql(REQUEST, { id: page.held.id, patientId: $("patient").value, note: $("note").value || null }, page.token)).request;
  if (result.__typename !== "Appointment") return show("status", result.message, "problem");
  page.booked = result;
  $("held").hidden = true;
  show("status", `Appointment ${result.id}: ${result.status}`, "done");
}
$("signin").addEventListener("submit", signIn);
$("practitioner").addEventListener("change", choosePractitioner);
$("service").addEventListener("change", loadSlots);
$("held").addEventListener("submit", request);
