import {
  N_,
  SessionEnded,
  busy,
  chooseHere,
  chosenHere,
  clock,
  date,
  element,
  forgetToken,
  graphql,
  inZone,
  language,
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

// src/panel.js
var LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on SignIn { token user { name kind } } ... on Problem { message } } }`;
var CLINIC = "{ clinic { timeZone settings { language } } }";
var ME = "{ me { name kind language } clinic { settings { bookingHorizonDays } } }";
var SET_LANGUAGE = `mutation($language: String) { setMyLanguage(language: $language) {
  __typename ... on Problem { message } } }`;
var LOGOUT = "mutation { logout }";
var PENDING = `{ pendingRequests { id status start note
  patient { id name birthDate email provisional } practitioner { name } service { name } location { name } } }`;
var MATCHES = `query($id: ID!) { patientMatches(patientId: $id) {
  patient { id name birthDate email } grade matchedOn verifiedOn } }`;
var REGISTRATIONS = "{ onlineRegistrations { id name birthDate email phone } }";
var PRACTITIONERS = "{ practitioners(onlineOnly: false) { id } }";
var DIARY = `query($p: ID!, $from: DateTime!, $to: DateTime!) { diary(practitionerId: $p, from: $from, to: $to) {
  id status start patientResponse patient { name } practitioner { name } service { name } } }`;
var NOTIFICATIONS = `subscription($since: String) { staffNotifications(since: $since) { kind at cursor
  appointment { id start patient { name } practitioner { name } } patient { name } } }`;
var ACCEPT = `mutation($id: ID!, $patientId: ID, $createPatient: Boolean) {
  accept(appointmentId: $id, patientId: $patientId, createPatient: $createPatient) {
    __typename ... on Appointment { id status identityConfirmed patient { name } } ... on Problem { message } } }`;
var REJECT = `mutation($id: ID!, $reason: String, $notify: Boolean!) {
  reject(appointmentId: $id, reason: $reason, notifyPatient: $notify) { __typename ... on Problem { message } } }`;
var MERGE = `mutation($id: ID!, $into: ID!) { merge(provisionalPatientId: $id, intoPatientId: $into) {
  __typename ... on Patient { name } ... on Problem { message } } }`;
var CONFIRM_REGISTRATION = `mutation($id: ID!) { confirmRegistration(provisionalPatientId: $id) {
  __typename ... on Patient { name } ... on Problem { message } } }`;
var CANCEL = `mutation($id: ID!, $reason: String) { cancelAppointment(appointmentId: $id, reason: $reason) {
  __typename ... on Problem { message } } }`;
var WAITLIST = `{ waitlist(first: 100) { totalCount edges { node { id state fromDate untilDate earliest latest
  patient { name } practitioner { name } service { name } offer { start holdExpiresAt } } } } }`;
var LABELS = {
  NEW_REQUEST: N_("New request"),
  NEW_PROVISIONAL_BOOKING: N_("New booking by a new online patient"),
  NEW_REGISTRATION: N_("New online registration"),
  CANCEL_REQUESTED: N_("Patient asks to cancel"),
  UNCANCEL_REQUESTED: N_("Patient withdrew a cancellation")
};
var GRADES = { CERTAIN: N_("certain match"), PROBABLE: N_("probable match"), POSSIBLE: N_("possible match") };
var FACTS = { name: N_("name"), birthDate: N_("date of birth"), email: N_("email"), phone: N_("phone") };
var panel = { token: savedToken(), live: null, horizonDays: 60, user: null, feed: [] };
var $ = (id) => document.getElementById(id);
async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionEnded) return sessionEnded();
    show("status", () => t("Something went wrong: {problem}", { problem: error.message }), "problem");
    return void 0;
  }
}
async function signIn(event) {
  event.preventDefault();
  const result = (await busy(event.submitter, () => graphql(LOGIN, { email: $("email").value, password: $("password").value }))).login;
  if (result.__typename !== "SignIn") return show("signin-message", result.message, "problem");
  if (result.user.kind !== "STAFF") {
    await graphql(LOGOUT, {}, result.token);
    return show("signin-message", () => t("The panel is for clinic staff."), "problem");
  }
  show("signin-message", "");
  panel.token = result.token;
  saveToken(panel.token);
  $("password").value = "";
  return open();
}
async function open() {
  const { me, clinic } = await graphql(ME, {}, panel.token);
  if (!me || me.kind !== "STAFF") return signedOut(N_("Please sign in."));
  panel.horizonDays = clinic.settings.bookingHorizonDays;
  panel.user = me;
  if (me.language && me.language !== language && !chosenHere()) {
    await speak(me.language);
  }
  $("signin").hidden = true;
  $("desk").hidden = false;
  $("sign-out").hidden = false;
  $("who").textContent = t("Signed in as {name}", { name: me.name });
  show("status", "");
  panel.live = liveClient(panel.token, sessionEnded);
  clearInterval(panel.waitlistTimer);
  panel.waitlistTimer = setInterval(() => attempt(loadWaitlist), 1e4);
  return listen();
}
function sessionEnded() {
  signedOut(N_("Your session has ended (signed out elsewhere, or it expired). Please sign in again."), "problem");
}
function signedOut(phrase, kind = "info") {
  clearInterval(panel.waitlistTimer);
  panel.token = null;
  panel.user = null;
  panel.feed = [];
  forgetToken();
  if (panel.live) panel.live.dispose();
  panel.live = null;
  $("desk").hidden = true;
  $("signin").hidden = false;
  $("sign-out").hidden = true;
  $("who").textContent = "";
  for (const list of ["pending", "registrations", "cancels", "feed"]) $(list).replaceChildren();
  show("status", () => t(phrase), kind);
}
async function signOut() {
  const token = panel.token;
  signedOut(N_("You are signed out."));
  try {
    await graphql(LOGOUT, {}, token);
  } catch (error) {
    if (!(error instanceof SessionEnded)) throw error;
  }
}
async function listen() {
  await loadAll();
  subscribeResuming(panel.live, NOTIFICATIONS, {}, ({ staffNotifications: n }) => {
    const who = n.appointment?.patient?.name ?? n.patient?.name ?? "";
    feed(() => {
      const what = t(LABELS[n.kind]);
      if (!n.appointment) return t("{time} {what}: {who}", { time: clock(n.at), what, who });
      return t("{time} {what}: {who} for {when} with {practitioner}", {
        time: clock(n.at),
        what,
        who,
        when: when(n.appointment.start),
        practitioner: n.appointment.practitioner.name
      });
    }, n.kind);
    attempt(loadAll);
  }, () => attempt(loadAll), (ended) => {
    if (ended && panel.live && ended.code !== 4401) setTimeout(() => attempt(listen), 1e3);
  });
}
function feed(write, kind = "") {
  const item = element("li", { "data-kind": kind }, write());
  panel.feed.push({ item, write });
  $("feed").prepend(item);
}
async function loadAll() {
  if (!panel.token) return;
  await Promise.all([loadPending(), loadRegistrations(), loadCancels(), loadWaitlist()]);
}
async function reconcile(listId, items, build) {
  const list = $(listId);
  const speaking = language;
  const kept = new Map([...list.children].filter((row) => row.lang === speaking).map((row) => [row.dataset.id, row]));
  const rows = await Promise.all(items.map((item) => kept.get(String(item.id)) ?? build(item)));
  if (language !== speaking) return;
  for (const row of rows) row.lang = speaking;
  rows.forEach((row, index) => {
    if (list.children[index] !== row) list.insertBefore(row, list.children[index] ?? null);
  });
  while (list.children.length > rows.length) list.lastElementChild.remove();
}
async function loadPending() {
  const { pendingRequests } = await graphql(PENDING, {}, panel.token);
  await reconcile("pending", pendingRequests, requestRow);
  const count = pendingRequests.length;
  show("pending-message", () => count ? t("Waiting for an answer: {count}", { count }) : t("Nothing waiting"));
}
async function matchesOf(patientId) {
  return (await graphql(MATCHES, { id: patientId }, panel.token)).patientMatches;
}
function facts(p) {
  return [p.birthDate && t("born {date}", { date: date(p.birthDate) }), p.email, p.phone].filter(Boolean).join(", ");
}
var factNames = (names) => names.map((name) => FACTS[name] ? t(FACTS[name]) : name).join(", ");
function matchText(m) {
  const known = facts(m.patient);
  const values = {
    patient: known ? `${m.patient.name} (${known})` : m.patient.name,
    grade: t(GRADES[m.grade]),
    facts: factNames(m.matchedOn),
    proved: factNames(m.verifiedOn)
  };
  if (m.verifiedOn.length) return t("{patient}: {grade} on {facts}; proved: {proved}", values);
  return t("{patient}: {grade} on {facts}", values);
}
function choices(name, matches, withNew) {
  const certain = matches.filter((m) => m.grade === "CERTAIN");
  const options = matches.map((m) => element(
    "label",
    { class: "choice" },
    element("input", {
      type: "radio",
      name,
      value: m.patient.id,
      required: true,
      checked: certain.length === 1 && certain[0] === m
    }),
    ` ${matchText(m)}`
  ));
  if (withNew) {
    options.push(element(
      "label",
      { class: "choice" },
      element("input", { type: "radio", name, value: "new", required: true, checked: matches.length === 0 }),
      ` ${t("A new patient (none of these)")}`
    ));
  }
  return options;
}
async function requestRow(a) {
  const name = a.patient?.name ?? t("Unknown patient");
  const provisional = a.patient?.provisional;
  const matches = provisional ? await matchesOf(a.patient.id) : [];
  const group = `who-${a.id}`;
  const reason = element("input", { name: "reason", maxlength: 500 });
  const notify = element("input", { type: "checkbox", name: "notify", checked: true });
  const row = element(
    "li",
    { "data-id": a.id, "aria-label": `${name}, ${when(a.start)}` },
    element(
      "p",
      {},
      element("strong", { dir: "auto" }, name),
      provisional ? ` ${t("(new online patient)")}` : "",
      ` \xB7 ${when(a.start)} \xB7 ${a.practitioner.name} \xB7 ${a.service.name} \xB7 ${a.location.name}`
    ),
    a.note ? element("p", { class: "note" }, t('Note: "{note}"', { note: a.note })) : null,
    element(
      "form",
      { class: "accept", "aria-label": t("Accept {name}", { name }), onsubmit: (e) => accept(a, e, row) },
      provisional ? element("fieldset", {}, element("legend", {}, t("Who is {name}?", { name })), ...choices(group, matches, true)) : null,
      element("button", { type: "submit" }, t("Accept"))
    ),
    element(
      "form",
      { class: "reject", "aria-label": t("Reject {name}", { name }), onsubmit: (e) => reject(a, e, row, reason, notify) },
      element("label", {}, `${t("Reason")} `, reason),
      element("label", {}, notify, ` ${t("Email the patient")}`),
      element("button", { type: "submit" }, t("Reject"))
    ),
    element("p", { class: "outcome", role: "status" })
  );
  return row;
}
async function accept(a, event, row) {
  const chosen = event.target.querySelector("input[type=radio]:checked")?.value;
  const choice = chosen === "new" ? { createPatient: true } : chosen ? { patientId: chosen } : {};
  const result = (await busy(event.submitter, () => graphql(ACCEPT, { id: a.id, ...choice }, panel.token))).accept;
  if (result.__typename !== "Appointment") {
    row.querySelector(".outcome").textContent = result.message;
    row.querySelector(".outcome").dataset.kind = "problem";
    return;
  }
  const values = () => ({ patient: result.patient.name, when: when(a.start), practitioner: a.practitioner.name });
  if (result.identityConfirmed === false) {
    done(() => t("Accepted: {patient}, {when} with {practitioner} (identity not proved: the requester has not verified the email on file)", values()));
  } else done(() => t("Accepted: {patient}, {when} with {practitioner}", values()));
}
async function reject(a, event, row, reason, notify) {
  const result = (await busy(event.submitter, () => graphql(REJECT, {
    id: a.id,
    reason: reason.value || null,
    notify: notify.checked
  }, panel.token))).reject;
  if (result.__typename !== "Appointment") {
    row.querySelector(".outcome").textContent = result.message;
    return;
  }
  const values = () => ({ patient: a.patient?.name ?? "", when: when(a.start) });
  if (notify.checked) done(() => t("Rejected: {patient}, {when} (patient emailed)", values()));
  else done(() => t("Rejected: {patient}, {when} (no email sent)", values()));
}
function done(write) {
  show("status", write, "done");
  feed(write, "done");
  attempt(loadAll);
}
async function loadRegistrations() {
  const { onlineRegistrations } = await graphql(REGISTRATIONS, {}, panel.token);
  await reconcile("registrations", onlineRegistrations, registrationRow);
  const count = onlineRegistrations.length;
  show("registrations-message", () => count ? t("To merge or confirm: {count}", { count }) : t("No new registrations"));
}
async function registrationRow(p) {
  const matches = await matchesOf(p.id);
  const known = facts(p);
  const row = element(
    "li",
    { "data-id": p.id, "aria-label": t("Registration of {name}", { name: p.name }) },
    element("p", {}, element("strong", { dir: "auto" }, p.name), known ? ` (${known})` : ""),
    matches.length ? element(
      "form",
      { class: "merge", "aria-label": t("Merge {name}", { name: p.name }), onsubmit: (e) => merge(p, e, row) },
      element("fieldset", {}, element("legend", {}, t("Same person as an existing patient?")), ...choices(`into-${p.id}`, matches, false)),
      element("button", { type: "submit" }, t("Merge into the chosen patient"))
    ) : element("p", {}, t("No existing patient resembles this registration.")),
    element("button", { type: "button", onclick: (e) => confirmRegistration(p, e.currentTarget, row) }, t("Confirm as a new patient")),
    element("p", { class: "outcome", role: "status" })
  );
  return row;
}
async function merge(p, event, row) {
  const into = event.target.querySelector("input[type=radio]:checked")?.value;
  const result = (await busy(event.submitter, () => graphql(MERGE, { id: p.id, into }, panel.token))).merge;
  if (result.__typename !== "Patient") return void (row.querySelector(".outcome").textContent = result.message);
  return done(() => t("Merged: the registration of {registrant} into {patient}", { registrant: p.name, patient: result.name }));
}
async function confirmRegistration(p, button, row) {
  const result = (await busy(button, () => graphql(CONFIRM_REGISTRATION, { id: p.id }, panel.token))).confirmRegistration;
  if (result.__typename !== "Patient") return void (row.querySelector(".outcome").textContent = result.message);
  return done(() => t("Confirmed: {patient} is a new patient", { patient: result.name }));
}
async function loadCancels() {
  const { practitioners } = await graphql(PRACTITIONERS, {}, panel.token);
  const windows = [];
  const dayMs = 24 * 3600 * 1e3;
  for (let start2 = Date.now(); start2 < Date.now() + (panel.horizonDays + 1) * dayMs; start2 += 60 * dayMs) {
    windows.push({ from: new Date(start2).toISOString(), to: new Date(start2 + 60 * dayMs).toISOString() });
  }
  const diaries = await Promise.all(practitioners.flatMap((p) => windows.map((w) => graphql(DIARY, { p: p.id, ...w }, panel.token))));
  const seen = /* @__PURE__ */ new Set();
  const asking = diaries.flatMap((d) => d.diary).filter((a) => a.status === "BOOKED" && a.patientResponse === "CANCEL_REQUESTED" && !seen.has(a.id) && seen.add(a.id)).sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  await reconcile("cancels", asking, cancelRow);
  const count = asking.length;
  show("cancels-message", () => count ? t("Asking to cancel: {count}", { count }) : t("Nobody is asking to cancel"));
}
function cancelRow(a) {
  const name = a.patient?.name ?? t("Unknown patient");
  const reason = element("input", { name: "reason", maxlength: 500 });
  const values = { name, when: when(a.start) };
  const row = element(
    "li",
    { "data-id": a.id, "aria-label": t("{name} asks to cancel {when}", values) },
    element("p", {}, element("strong", { dir: "auto" }, name), ` ${t("asks to cancel {when}", values)} \xB7 ${a.practitioner.name} \xB7 ${a.service.name}`),
    element(
      "form",
      { "aria-label": t("Cancel the visit of {name}", values), onsubmit: (e) => cancel(a, e, row, reason) },
      element("label", {}, `${t("Note")} `, reason),
      element("button", { type: "submit" }, t("Cancel the visit"))
    ),
    element("p", { class: "outcome", role: "status" })
  );
  return row;
}
async function cancel(a, event, row, reason) {
  const result = (await busy(event.submitter, () => graphql(CANCEL, { id: a.id, reason: reason.value || null }, panel.token))).cancelAppointment;
  if (result.__typename !== "Appointment") return void (row.querySelector(".outcome").textContent = result.message);
  return done(() => t("Cancelled: {patient}, {when} with {practitioner}", {
    patient: a.patient?.name ?? "",
    when: when(a.start),
    practitioner: a.practitioner.name
  }));
}
async function loadWaitlist() {
  const { waitlist } = await graphql(WAITLIST, {}, panel.token);
  const rows = waitlist.edges.map(({ node: e }, place) => {
    const what = e.practitioner ? t("{service} with {practitioner}", { service: e.service.name, practitioner: e.practitioner.name }) : t("{service} with anyone", { service: e.service.name });
    const days = e.fromDate === e.untilDate ? date(e.fromDate) : t("{from} to {until}", { from: date(e.fromDate), until: date(e.untilDate) });
    const state = e.state === "OFFERED" && e.offer ? t("offered {when} until {time}", { when: when(e.offer.start), time: clock(e.offer.holdExpiresAt) }) : t("waiting");
    return element(
      "li",
      { "data-id": e.id },
      `${place + 1}. ${e.patient?.name ?? ""}: ${what}, ${days}, ${time(e.earliest)}\u2013${time(e.latest)} \xB7 ${state}`
    );
  });
  $("waitlist").replaceChildren(...rows);
  const count = waitlist.totalCount;
  show("waitlist-message", () => count ? t("On the waitlist: {count}", { count }) : t("Nobody is waiting"));
}
async function start() {
  const [{ clinic }, available] = await Promise.all([graphql(CLINIC), offerLanguages($("language"))]);
  inZone(clinic.timeZone);
  await speak(preferred(available, { clinic: clinic.settings.language }));
  if (panel.token) await open();
}
async function changeLanguage(code) {
  chooseHere(code);
  await speak(code);
  for (const { item, write } of panel.feed) item.textContent = write();
  if (!panel.token) return;
  $("who").textContent = t("Signed in as {name}", { name: panel.user.name });
  for (const list of ["pending", "registrations", "cancels"]) $(list).replaceChildren();
  await graphql(SET_LANGUAGE, { language: code }, panel.token);
  await loadAll();
}
$("signin").addEventListener("submit", (event) => attempt(() => signIn(event)));
$("sign-out").addEventListener("click", () => attempt(signOut));
$("language").addEventListener("change", (event) => attempt(() => changeLanguage(event.currentTarget.value)));
attempt(start);
