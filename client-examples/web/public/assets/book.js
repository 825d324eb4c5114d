import {
  N_,
  SessionEnded,
  busy,
  chooseHere,
  chosenHere,
  clock,
  date,
  day,
  element,
  forgetToken,
  graphql,
  inZone,
  instant,
  language,
  left,
  liveClient,
  offerLanguages,
  preferred,
  saveToken,
  savedToken,
  show,
  speak,
  subscribeResuming,
  t,
  time,
  when
} from "./shared-OQN4ZNLV.js";

// src/book.js
var CLINIC = `{ clinic { name timeZone settings { approvalRequired patientCancelEnabled bookingHorizonDays language } }
  practitioners { id name services { id name durationMinutes } } }`;
var ME = "{ me { name kind language patients { id name provisional } } }";
var SET_LANGUAGE = `mutation($language: String) { setMyLanguage(language: $language) {
  __typename ... on Problem { message } } }`;
var LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on SignIn { token user { name } } ... on Problem { message } } }`;
var REGISTER = `mutation($email: String!, $password: String!, $name: String!, $birthDate: Date) {
  register(email: $email, password: $password, name: $name, birthDate: $birthDate) { __typename ... on SignIn { token user { name } } ... on Problem { message } } }`;
var LOGOUT = "mutation { logout }";
var SLOTS = `query($p: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) {
  availableSlots(practitionerId: $p, serviceId: $s, from: $from, to: $to) { openUntil slots { start location { name } } } }`;
var SLOT_CHANGES = `subscription($p: ID!, $from: DateTime!, $to: DateTime!, $since: String) {
  slotChanges(practitionerId: $p, from: $from, to: $to, since: $since) { start state cursor } }`;
var HOLD = `mutation($p: ID!, $s: ID!, $start: DateTime!, $key: String) {
  hold(practitionerId: $p, serviceId: $s, start: $start, clientKey: $key) {
    __typename ... on Hold { expiresAt appointment { id start location { name } } } ... on Problem { message } } }`;
var RELEASE = `mutation($id: ID!) { releaseHold(appointmentId: $id) { __typename ... on Problem { message } } }`;
var REQUEST = `mutation($id: ID!, $patientId: ID!, $note: String) {
  request(appointmentId: $id, patientId: $patientId, note: $note) { __typename ... on Appointment { id status start patientResponse visitStatus rejectionReason
  patient { id name } practitioner { id name } service { id name } location { name } } ... on Problem { message } } }`;
var VISITS = `query($patientId: ID!, $from: DateTime!, $to: DateTime!) {
  visits(patientId: $patientId, from: $from, to: $to) { id status start patientResponse visitStatus rejectionReason
  changeableUntil { cancel reschedule }
  patient { id name } practitioner { id name } service { id name } location { name } } }`;
var RESCHEDULE = `mutation($id: ID!, $start: DateTime!, $key: String) {
  rescheduleAppointment(appointmentId: $id, start: $start, clientKey: $key) {
    __typename ... on Appointment { id status start practitioner { name } }
    ... on TooLateToChange { phone } ... on Problem { message } } }`;
var MY_WAITLIST = `{ myWaitlist { id state fromDate untilDate earliest latest
  patient { name } practitioner { name } service { name } offer { id start holdExpiresAt location { name } practitioner { name } } } }`;
var JOIN_WAITLIST = `mutation($input: JoinWaitlistInput!) { joinWaitlist(input: $input) {
  __typename ... on WaitlistEntry { id } ... on Problem { message } } }`;
var LEAVE_WAITLIST = `mutation($id: ID!) { leaveWaitlist(entryId: $id) { __typename ... on Problem { message } } }`;
var ACCEPT_OFFER = `mutation($id: ID!) { acceptOffer(offerId: $id) {
  __typename ... on Appointment { id status start patientResponse visitStatus rejectionReason
  patient { id name } practitioner { id name } service { id name } location { name } } ... on Problem { message } } }`;
var DECLINE_OFFER = `mutation($id: ID!) { declineOffer(offerId: $id) { __typename ... on Problem { message } } }`;
var CONFIRM = `mutation($id: ID!) { confirmVisit(appointmentId: $id) { __typename ... on Problem { message } } }`;
var CANCEL = `mutation($id: ID!) { cancelVisit(appointmentId: $id) {
  __typename ... on CancelRequested { notice } ... on Problem { message } } }`;
var CLEAR = `mutation($id: ID!) { clearVisitResponse(appointmentId: $id) { __typename ... on Problem { message } } }`;
var MY_UPDATES = `subscription($since: String) { myAppointmentUpdates(since: $since) { id status start patientResponse
  visitStatus rejectionReason cursor patient { id name } practitioner { id name } service { id name } location { name } } }`;
var page = {
  token: savedToken(),
  user: null,
  live: null,
  settings: null,
  practitioners: [],
  stopSlots: null,
  wanted: null,
  held: null,
  timer: null,
  requested: null,
  moving: null,
  linked: null,
  clinic: null
};
var $ = (id) => document.getElementById(id);
function sentence(a) {
  const forWhom = page.user && a.patient && a.patient.name !== page.user.name ? t(" for {patient}", { patient: a.patient.name }) : "";
  const values = { when: when(a.start), practitioner: a.practitioner.name, forWhom };
  switch (a.status) {
    case "REQUESTED":
      return t("Requested: {when} with {practitioner}{forWhom}, awaiting the clinic's confirmation", values);
    case "PROVISIONAL":
      return t("Requested: {when} with {practitioner}{forWhom}, awaiting the clinic's confirmation of your registration", values);
    case "BOOKED":
      if (a.patientResponse === "CANCEL_REQUESTED") return t("Cancellation requested: {when} with {practitioner}{forWhom}", values);
      return t("Booked: {when} with {practitioner}{forWhom}", values);
    case "REJECTED":
      if (a.rejectionReason) {
        return t("Declined by the clinic: {when} with {practitioner}{forWhom}. Reason: {reason}", { ...values, reason: a.rejectionReason });
      }
      return t("Declined by the clinic: {when} with {practitioner}{forWhom}", values);
    case "CANCELLED":
      return t("Cancelled: {when} with {practitioner}{forWhom}", values);
    case "COMPLETED":
      return t("Completed: {when} with {practitioner}{forWhom}", values);
    default:
      return t("{when} with {practitioner}{forWhom}", values);
  }
}
var VISIT_WORDS = {
  AWAITING_RESPONSE: N_("please confirm or cancel"),
  PATIENT_CONFIRMED: N_("you confirmed you will come"),
  PENDING_CANCEL: N_("cancellation sent; the clinic will confirm it (please also call them if it is short notice)")
};
function windowDays() {
  const now = Date.now();
  const linked = page.linked ? page.linked - 24 * 3600 * 1e3 : now;
  const from = new Date(Math.max(now, linked));
  const to = new Date(from.getTime() + 7 * 24 * 3600 * 1e3);
  return { from: from.toISOString(), to: to.toISOString() };
}
function followLink() {
  const wanted = new URLSearchParams(window.location.search);
  const practitioner = page.practitioners.find((p) => p.id === wanted.get("practitioner"));
  if (!practitioner) return null;
  $("practitioner").value = practitioner.id;
  const start2 = instant(wanted.get("start") ?? "");
  page.linked = Number.isNaN(start2) ? null : start2;
  return practitioner.services.some((s) => s.id === wanted.get("service")) ? wanted.get("service") : null;
}
async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionEnded) return sessionEnded();
    show("status", () => t("Something went wrong: {problem}", { problem: error.message }), "problem");
    return void 0;
  }
}
async function start() {
  const [{ clinic, practitioners }, available] = await Promise.all([graphql(CLINIC), offerLanguages($("language"))]);
  page.clinic = clinic;
  page.settings = clinic.settings;
  page.practitioners = practitioners;
  inZone(clinic.timeZone);
  await speak(preferred(available, { clinic: clinic.settings.language }));
  writeHeader();
  $("practitioner").replaceChildren(...practitioners.map((p) => element("option", { value: p.id, dir: "auto" }, p.name)));
  connect();
  if (page.token) await attempt(loadMe);
  choosePractitioner(followLink());
}
function writeHeader() {
  $("clinic-name").textContent = t("at {clinic}", { clinic: page.clinic.name });
  if (!page.user) $("who").textContent = t("Browsing without signing in. You sign in when you choose a time.");
}
async function changeLanguage(code) {
  chooseHere(code);
  await speak(code);
  writeHeader();
  if (page.user) await graphql(SET_LANGUAGE, { language: code }, page.token);
  const serviceId = $("service").value;
  await choosePractitioner(serviceId);
  if (page.user) await loadMe();
  if (page.held) showHeld();
  tick();
}
function connect() {
  if (page.live) page.live.dispose();
  page.stopSlots = null;
  page.live = liveClient(page.token, sessionEnded);
  if (page.token) listenToMine();
}
function choosePractitioner(serviceId = null) {
  const practitioner = page.practitioners.find((p) => p.id === $("practitioner").value);
  if (!practitioner) return show("slots-message", () => t("No practitioner takes online bookings at the moment."));
  $("service").replaceChildren(...practitioner.services.map((s) => element(
    "option",
    { value: s.id, selected: s.id === serviceId },
    t("{service} ({minutes} min)", { service: s.name, minutes: s.durationMinutes })
  )));
  return attempt(loadSlots);
}
async function loadSlots() {
  const p = $("practitioner").value;
  const s = $("service").value;
  const range = windowDays();
  if (!await readSlots(p, s, range)) return;
  if (page.stopSlots) page.stopSlots();
  page.stopSlots = subscribeResuming(
    page.live,
    SLOT_CHANGES,
    { p, ...range },
    ({ slotChanges: change }) => {
      if (change.state === "FREE") attempt(() => readSlots(p, s, range));
      else removeSlot(change.start);
    },
    () => attempt(() => readSlots(p, s, range)),
    (ended) => {
      if (ended && !(ended.code === 4401)) setTimeout(() => attempt(loadSlots), 1e3);
    }
  );
}
async function readSlots(p, s, range) {
  const { availableSlots } = await graphql(SLOTS, { p, s, ...range });
  if (p !== $("practitioner").value || s !== $("service").value) return false;
  renderSlots(availableSlots);
  return true;
}
function renderSlots({ slots, openUntil }) {
  const name = $("practitioner").selectedOptions[0]?.textContent ?? "";
  const days = /* @__PURE__ */ new Map();
  for (const slot of slots) {
    const key = day(slot.start);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(slot);
  }
  $("slots").replaceChildren(...[...days].map(([key, times]) => element(
    "li",
    { class: "day" },
    element("h3", {}, key),
    element("ul", { "aria-label": key }, ...times.map((slot) => element(
      "li",
      {},
      element("button", {
        type: "button",
        class: instant(slot.start) === page.linked ? "slot linked" : "slot",
        "data-start": slot.start,
        "data-instant": instant(slot.start),
        "aria-label": t("{when} with {practitioner} at {location}", { when: when(slot.start), practitioner: name, location: slot.location.name }),
        onclick: (event) => choose(slot, event.currentTarget)
      }, element("strong", {}, clock(slot.start)), element("small", {}, slot.location.name))
    )))
  )));
  countSlots(openUntil);
  document.querySelector("#slots button.slot.linked")?.scrollIntoView({ block: "center" });
}
function countSlots(openUntil = void 0) {
  const count = document.querySelectorAll("#slots button.slot").length;
  if (count) return show("slots-message", () => t("Free times in the next 7 days: {count}. Choose one to hold it.", { count }));
  if (openUntil) {
    return show("slots-message", () => t("No free times in the next 7 days. Online booking is open until {when}.", { when: when(openUntil) }));
  }
  return show("slots-message", () => t("No free times in the next 7 days."));
}
function removeSlot(start2) {
  for (const button of document.querySelectorAll("#slots button.slot")) {
    if (Number(button.dataset.instant) === instant(start2) && !button.classList.contains("mine")) button.parentElement.remove();
  }
  for (const group of document.querySelectorAll("#slots li.day")) {
    if (!group.querySelector("button.slot")) group.remove();
  }
  countSlots();
}
function choose(slot, button) {
  if (page.moving) return attempt(() => moveTo(slot, button));
  page.wanted = {
    slot,
    practitionerId: $("practitioner").value,
    serviceId: $("service").value,
    practitioner: $("practitioner").selectedOptions[0].textContent
  };
  if (page.token) return attempt(() => hold(button));
  $("account").hidden = false;
  const wanted = page.wanted;
  show("account-message", () => t("Sign in or create an account to hold {when} with {practitioner}.", { when: when(slot.start), practitioner: wanted.practitioner }));
  $("email").focus();
  return void 0;
}
async function signIn(operation, variables, button) {
  const result = Object.values(await busy(button, () => graphql(operation, variables)))[0];
  if (result.__typename !== "SignIn") return show("account-message", result.message, "problem");
  page.token = result.token;
  saveToken(page.token);
  $("account").hidden = true;
  $("password").value = "";
  $("reg-password").value = "";
  connect();
  await loadMe();
  if (page.wanted) await hold(null);
  return attempt(loadSlots);
}
async function loadMe() {
  var _a, _b;
  const { me } = await graphql(ME, {}, page.token);
  if (!me) return signedOut(N_("Your session has ended. Please sign in again."));
  const first = !page.user;
  page.user = me;
  if (first && me.language && me.language !== language && !chosenHere()) {
    await speak(me.language);
    writeHeader();
    attempt(loadSlots);
  }
  $("who").textContent = t("Signed in as {name}", { name: me.name });
  $("sign-out").hidden = false;
  $("sign-in").hidden = true;
  const patients = () => me.patients.map((p) => element(
    "option",
    { value: p.id, dir: "auto" },
    p.name === me.name ? t("{name} (me)", { name: p.name }) : p.name
  ));
  $("patient").replaceChildren(...patients());
  $("wait-patient").replaceChildren(...patients());
  const today = /* @__PURE__ */ new Date();
  (_a = $("wait-from")).value || (_a.value = today.toISOString().slice(0, 10));
  (_b = $("wait-until")).value || (_b.value = new Date(today.getTime() + 14 * 24 * 3600 * 1e3).toISOString().slice(0, 10));
  $("mine").hidden = false;
  $("waiting").hidden = false;
  return Promise.all([loadVisits(), loadWaitlist()]);
}
async function signOut() {
  const token = page.token;
  const held = page.held;
  try {
    if (held) await graphql(RELEASE, { id: held.id }, token);
  } finally {
    signedOut(N_("You are signed out."));
  }
  try {
    await graphql(LOGOUT, {}, token);
  } catch (error) {
    if (!(error instanceof SessionEnded)) throw error;
  }
}
function sessionEnded() {
  signedOut(N_("Your session has ended (you signed out elsewhere, or it expired). Sign in again to book."), "problem");
}
function signedOut(phrase, kind = "info") {
  if (!page.token && !page.user) return;
  page.token = null;
  page.user = null;
  page.requested = null;
  forgetToken();
  stopHold();
  $("who").textContent = t("Browsing without signing in. You sign in when you choose a time.");
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  $("mine").hidden = true;
  $("waiting").hidden = true;
  page.moving = null;
  $("moving").hidden = true;
  $("waitlist").replaceChildren();
  $("visits").replaceChildren();
  $("patient").replaceChildren();
  show("status", () => t(phrase), kind);
  connect();
  attempt(loadSlots);
}
async function hold(button) {
  const wanted = page.wanted;
  const result = (await busy(button, () => graphql(HOLD, {
    p: wanted.practitionerId,
    s: wanted.serviceId,
    start: wanted.slot.start,
    key: crypto.randomUUID()
  }, page.token))).hold;
  page.wanted = null;
  if (result.__typename !== "Hold") {
    show("status", () => t("Could not hold {when}: {problem}", { when: when(wanted.slot.start), problem: result.message }), "problem");
    return loadSlots();
  }
  stopHold();
  page.held = {
    id: result.appointment.id,
    start: wanted.slot.start,
    practitioner: wanted.practitioner,
    location: result.appointment.location.name,
    expires: instant(result.expiresAt)
  };
  for (const mine of document.querySelectorAll(`#slots button[data-instant="${instant(wanted.slot.start)}"]`)) mine.classList.add("mine");
  $("held").hidden = false;
  showHeld();
  show("status", "");
  tick();
  page.timer = setInterval(tick, 1e3);
  $("patient").focus();
  return void 0;
}
function showHeld() {
  const { start: start2, practitioner, location } = page.held;
  show("held-message", () => t("{when} with {practitioner} at {location} is held for you. No one else can take it while you decide.", {
    when: when(start2),
    practitioner,
    location
  }));
}
function tick() {
  if (!page.held) return;
  const remaining = page.held.expires - Date.now();
  if (remaining <= 0) {
    const lapsed = page.held;
    stopHold();
    show("status", () => t("Your hold on {when} has lapsed. Choose a time again.", { when: when(lapsed.start) }), "problem");
    attempt(loadSlots);
    return;
  }
  $("countdown").textContent = t("{left} left to request it", { left: left(page.held.expires) });
}
function stopHold() {
  clearInterval(page.timer);
  page.timer = null;
  page.held = null;
  $("held").hidden = true;
  $("countdown").textContent = "";
  $("note").value = "";
  for (const mine of document.querySelectorAll("#slots button.mine")) mine.classList.remove("mine");
}
async function request(button) {
  const held = page.held;
  if (!held) return;
  const result = (await busy(button, () => graphql(REQUEST, {
    id: held.id,
    patientId: $("patient").value,
    note: $("note").value || null
  }, page.token))).request;
  if (result.__typename !== "Appointment") {
    show("status", () => t("Could not request {when}: {problem}", { when: when(held.start), problem: result.message }), "problem");
    if (result.__typename === "HoldExpired" || result.__typename === "SlotUnavailable") {
      stopHold();
      attempt(loadSlots);
    }
    return;
  }
  stopHold();
  page.requested = { id: result.id, status: result.status };
  show("status", () => sentence(result), "done");
  await Promise.all([loadVisits(), loadSlots()]);
}
async function release(button) {
  const held = page.held;
  if (!held) return;
  await busy(button, () => graphql(RELEASE, { id: held.id }, page.token));
  stopHold();
  show("status", () => t("You let {when} go.", { when: when(held.start) }));
  await loadSlots();
}
async function loadVisits() {
  if (!page.user) return;
  const from = (/* @__PURE__ */ new Date()).toISOString();
  const to = new Date(Date.now() + (page.settings.bookingHorizonDays + 1) * 24 * 3600 * 1e3).toISOString();
  const lists = await Promise.all(page.user.patients.map((p) => graphql(VISITS, { patientId: p.id, from, to }, page.token)));
  const visits = lists.flatMap((l) => l.visits).filter((v) => v.status !== "TEMPORARY").sort((a, b) => instant(a.start) - instant(b.start));
  $("visits").replaceChildren(...visits.map(visitRow));
  show("visits-message", () => visits.length ? "" : t("No upcoming visits."));
}
function visitRow(a) {
  const answer = VISIT_WORDS[a.visitStatus];
  const booked = a.status === "BOOKED";
  const until = a.changeableUntil ?? {};
  const canCancel = booked && page.settings.patientCancelEnabled && a.patientResponse !== "CANCEL_REQUESTED";
  const movable = ["BOOKED", "REQUESTED", "PROVISIONAL"].includes(a.status);
  const label = () => t("{when} with {practitioner}", { when: when(a.start), practitioner: a.practitioner.name });
  const byPhone = t("Too close to the visit to change online: please call the clinic.");
  return element(
    "li",
    { "data-id": a.id, "aria-label": label() },
    element("p", {}, element("strong", {}, sentence(a)), ` \xB7 ${a.service.name} \xB7 ${a.location.name}`),
    booked && answer ? element("p", { class: "answer" }, t(answer)) : null,
    movable && until.reschedule ? element("p", { class: "answer" }, t("You can change it online until {when}.", { when: when(until.reschedule) })) : null,
    element(
      "div",
      { class: "actions" },
      booked && a.patientResponse === "NONE" ? element("button", { type: "button", onclick: (e) => respond(CONFIRM, a, e, () => t("You confirmed {visit}.", { visit: label() })) }, t("Confirm")) : null,
      canCancel ? element("button", {
        type: "button",
        disabled: !until.cancel,
        title: until.cancel ? "" : byPhone,
        onclick: (e) => cancel(a, e.currentTarget)
      }, t("Cancel")) : null,
      movable ? element("button", {
        type: "button",
        disabled: !until.reschedule,
        title: until.reschedule ? "" : byPhone,
        onclick: () => startMoving(a)
      }, t("Change time")) : null,
      booked && a.patientResponse !== "NONE" ? element("button", { type: "button", onclick: (e) => respond(CLEAR, a, e, () => t("Your answer for {visit} is withdrawn.", { visit: label() })) }, t("Undo my answer")) : null
    )
  );
}
async function respond(operation, a, event, done) {
  const result = Object.values(await busy(event.currentTarget, () => graphql(operation, { id: a.id }, page.token)))[0];
  if (result.__typename !== "Appointment") show("status", result.message, "problem");
  else show("status", done, "done");
  await loadVisits();
}
async function cancel(a, button) {
  const result = (await busy(button, () => graphql(CANCEL, { id: a.id }, page.token))).cancelVisit;
  if (result.__typename !== "CancelRequested") show("status", result.message, "problem");
  else {
    show("status", () => t("Cancellation sent for {when} with {practitioner}. {notice}", {
      when: when(a.start),
      practitioner: a.practitioner.name,
      notice: result.notice
    }), "done");
  }
  await loadVisits();
  return result.__typename === "CancelRequested";
}
async function startMoving(a) {
  page.moving = a;
  stopHold();
  $("practitioner").value = a.practitioner.id;
  await choosePractitioner(a.service.id);
  $("moving").hidden = false;
  show("moving-message", () => t("Choose a new time for {when} with {practitioner}.", { when: when(a.start), practitioner: a.practitioner.name }));
  show("status", () => t("Choose a new time with {practitioner} below.", { practitioner: a.practitioner.name }));
  $("browse-title").scrollIntoView();
  document.querySelector("#slots button.slot")?.focus();
}
function stopMoving() {
  page.moving = null;
  $("moving").hidden = true;
}
async function moveTo(slot, button) {
  const a = page.moving;
  const result = (await busy(button, () => graphql(RESCHEDULE, { id: a.id, start: slot.start, key: crypto.randomUUID() }, page.token))).rescheduleAppointment;
  if (result.__typename !== "Appointment") {
    show("status", () => t("Could not move {when}: {problem}", { when: when(a.start), problem: result.message }), "problem");
  } else {
    stopMoving();
    show("status", () => t("Moved: {when} with {practitioner} (was {before}).", {
      when: when(result.start),
      practitioner: result.practitioner.name,
      before: when(a.start)
    }), "done");
  }
  await Promise.all([loadVisits(), loadSlots()]);
}
async function loadWaitlist() {
  if (!page.user) return;
  const { myWaitlist } = await graphql(MY_WAITLIST, {}, page.token);
  $("waitlist").replaceChildren(...myWaitlist.map(waitlistRow));
  show("waitlist-message", () => myWaitlist.length ? "" : t("You are not waiting for any time."));
}
function span(e) {
  const days = e.fromDate === e.untilDate ? date(e.fromDate) : t("{from} to {until}", { from: date(e.fromDate), until: date(e.untilDate) });
  return `${days}, ${time(e.earliest)}\u2013${time(e.latest)}`;
}
function waitlistRow(e) {
  const what = e.practitioner ? t("{service} with {practitioner} for {patient}", { service: e.service.name, practitioner: e.practitioner.name, patient: e.patient.name }) : t("{service} with anyone for {patient}", { service: e.service.name, patient: e.patient.name });
  if (e.state === "OFFERED" && e.offer) {
    const offer = t("{when} with {practitioner} at {location}", {
      when: when(e.offer.start),
      practitioner: e.offer.practitioner.name,
      location: e.offer.location.name
    });
    return element(
      "li",
      { class: "offer", "aria-label": t("Offer: {offer}", { offer }) },
      element(
        "p",
        {},
        element("strong", {}, t("A time is free for you: {offer}", { offer })),
        ` \xB7 ${t("held until {time}", { time: clock(e.offer.holdExpiresAt) })}`
      ),
      element(
        "div",
        { class: "actions" },
        element("button", { type: "button", onclick: (ev) => takeOffer(e, ev.currentTarget) }, t("Take this time")),
        element("button", { type: "button", onclick: (ev) => declineOffer(e, ev.currentTarget) }, t("Let it go"))
      )
    );
  }
  return element(
    "li",
    { "aria-label": t("Waiting: {what}", { what }) },
    element("p", {}, element("strong", {}, t("Waiting: {what}", { what })), ` \xB7 ${span(e)}`),
    element(
      "div",
      { class: "actions" },
      element("button", { type: "button", onclick: (ev) => leaveWaitlist(e, ev.currentTarget) }, t("Stop waiting"))
    )
  );
}
async function joinWaitlist(button) {
  const input = {
    patientId: $("wait-patient").value,
    serviceId: $("service").value,
    practitionerId: $("practitioner").value,
    fromDate: $("wait-from").value,
    untilDate: $("wait-until").value,
    earliest: $("wait-earliest").value,
    latest: $("wait-latest").value
  };
  const result = (await busy(button, () => graphql(JOIN_WAITLIST, { input }, page.token))).joinWaitlist;
  if (result.__typename !== "WaitlistEntry") show("status", () => t("Could not join the waitlist: {problem}", { problem: result.message }), "problem");
  else show("status", () => t("You are on the waitlist: a freed time that fits is held for you and emailed."), "done");
  await loadWaitlist();
}
async function leaveWaitlist(e, button) {
  await busy(button, () => graphql(LEAVE_WAITLIST, { id: e.id }, page.token));
  show("status", () => t("You left the waitlist."));
  await loadWaitlist();
}
async function takeOffer(e, button) {
  const result = (await busy(button, () => graphql(ACCEPT_OFFER, { id: e.offer.id }, page.token))).acceptOffer;
  if (result.__typename !== "Appointment") show("status", () => t("Could not take it: {problem}", { problem: result.message }), "problem");
  else show("status", () => sentence(result), "done");
  await Promise.all([loadWaitlist(), loadVisits()]);
}
async function declineOffer(e, button) {
  await busy(button, () => graphql(DECLINE_OFFER, { id: e.offer.id }, page.token));
  show("status", () => t("You let the offered time go; you stay on the waitlist."));
  await loadWaitlist();
}
function listenToMine() {
  subscribeResuming(page.live, MY_UPDATES, {}, ({ myAppointmentUpdates: a }) => {
    if (a.id === page.requested?.id && a.status !== page.requested.status) {
      page.requested.status = a.status;
      show("status", () => sentence(a), a.status === "REJECTED" ? "problem" : "done");
    }
    attempt(loadVisits);
    attempt(loadWaitlist);
  }, () => {
    attempt(loadVisits);
    attempt(loadWaitlist);
  }, () => {
  });
}
$("practitioner").addEventListener("change", () => choosePractitioner());
$("service").addEventListener("change", () => attempt(loadSlots));
$("signin").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(() => signIn(LOGIN, { email: $("email").value, password: $("password").value }, event.submitter));
});
$("register").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(() => signIn(REGISTER, {
    name: $("reg-name").value,
    email: $("reg-email").value,
    password: $("reg-password").value,
    birthDate: $("reg-birth").value || null
  }, event.submitter));
});
$("sign-in").addEventListener("click", () => {
  page.wanted = null;
  $("account").hidden = false;
  show("account-message", () => t("Sign in to see your visits; you can browse free times without it."));
  $("email").focus();
});
$("account-cancel").addEventListener("click", () => {
  page.wanted = null;
  $("account").hidden = true;
});
$("request-form").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(() => request(event.submitter ?? $("request")));
});
$("release").addEventListener("click", (event) => attempt(() => release(event.currentTarget)));
$("sign-out").addEventListener("click", () => attempt(signOut));
$("moving-cancel").addEventListener("click", () => {
  stopMoving();
  show("status", () => t("The visit stays where it was."));
});
$("language").addEventListener("change", (event) => attempt(() => changeLanguage(event.currentTarget.value)));
$("wait-form").addEventListener("submit", (event) => {
  event.preventDefault();
  attempt(() => joinWaitlist(event.submitter ?? $("wait-join")));
});
attempt(start);
