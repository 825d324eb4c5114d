// The staff live panel: requests and provisional bookings with the patients they may be
// (choose one, admit a new patient, or reject with a reason), online registrations to
// merge or confirm, patients asking to cancel, all kept live by staffNotifications.
import {
  SessionEnded, busy, clock, element, forgetToken, graphql, liveClient, saveToken, savedToken,
  show, subscribeResuming, when,
} from './api.js';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on SignIn { token user { name kind } } ... on Problem { message } } }`;
const ME = '{ me { name kind } clinic { settings { bookingHorizonDays } } }';
const LOGOUT = 'mutation { logout }';
const PENDING = `{ pendingRequests { id status start note
  patient { id name birthDate email provisional } practitioner { name } service { name } location { name } } }`;
const MATCHES = `query($id: ID!) { patientMatches(patientId: $id) {
  patient { id name birthDate email } grade matchedOn verifiedOn } }`;
const REGISTRATIONS = '{ onlineRegistrations { id name birthDate email phone } }';
const PRACTITIONERS = '{ practitioners(onlineOnly: false) { id } }';
const DIARY = `query($p: ID!, $from: DateTime!, $to: DateTime!) { diary(practitionerId: $p, from: $from, to: $to) {
  id status start patientResponse patient { name } practitioner { name } service { name } } }`;
const NOTIFICATIONS = `subscription($since: String) { staffNotifications(since: $since) { kind at cursor
  appointment { id start patient { name } practitioner { name } } patient { name } } }`;
const ACCEPT = `mutation($id: ID!, $patientId: ID, $createPatient: Boolean) {
  accept(appointmentId: $id, patientId: $patientId, createPatient: $createPatient) {
    __typename ... on Appointment { id status identityConfirmed patient { name } } ... on Problem { message } } }`;
const REJECT = `mutation($id: ID!, $reason: String, $notify: Boolean!) {
  reject(appointmentId: $id, reason: $reason, notifyPatient: $notify) { __typename ... on Problem { message } } }`;
const MERGE = `mutation($id: ID!, $into: ID!) { merge(provisionalPatientId: $id, intoPatientId: $into) {
  __typename ... on Patient { name } ... on Problem { message } } }`;
const CONFIRM_REGISTRATION = `mutation($id: ID!) { confirmRegistration(provisionalPatientId: $id) {
  __typename ... on Patient { name } ... on Problem { message } } }`;
const CANCEL = `mutation($id: ID!, $reason: String) { cancelAppointment(appointmentId: $id, reason: $reason) {
  __typename ... on Problem { message } } }`;

const WAITLIST = `{ waitlist(first: 100) { totalCount edges { node { id state fromDate untilDate earliest latest
  patient { name } practitioner { name } service { name } offer { start holdExpiresAt } } } } }`;
const LABELS = {
  NEW_REQUEST: 'New request',
  NEW_PROVISIONAL_BOOKING: 'New booking by a new online patient',
  NEW_REGISTRATION: 'New online registration',
  CANCEL_REQUESTED: 'Patient asks to cancel',
  UNCANCEL_REQUESTED: 'Patient withdrew a cancellation',
};
const GRADES = { CERTAIN: 'certain', PROBABLE: 'probable', POSSIBLE: 'possible' };
const panel = { token: savedToken(), live: null, horizonDays: 60 };
const $ = (id) => document.getElementById(id);

async function attempt(work) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof SessionEnded) return sessionEnded();
    show('status', `Something went wrong: ${error.message}`, 'problem');
    return undefined;
  }
}

// ---------------------------------------------------------------- signing in and out

async function signIn(event) {
  event.preventDefault();
  const result = (await busy(event.submitter, () => graphql(LOGIN, { email: $('email').value, password: $('password').value }))).login;
  if (result.__typename !== 'SignIn') return show('signin-message', result.message, 'problem');
  if (result.user.kind !== 'STAFF') {
    await graphql(LOGOUT, {}, result.token);
    return show('signin-message', 'The panel is for clinic staff.', 'problem');
  }
  panel.token = result.token;
  saveToken(panel.token);
  $('password').value = '';
  return open();
}

async function open() {
  const { me, clinic } = await graphql(ME, {}, panel.token);
  if (!me || me.kind !== 'STAFF') return signedOut('Please sign in.');
  panel.horizonDays = clinic.settings.bookingHorizonDays;
  $('signin').hidden = true;
  $('desk').hidden = false;
  $('sign-out').hidden = false;
  $('who').textContent = `Signed in as ${me.name}`;
  show('status', '');
  panel.live = liveClient(panel.token, sessionEnded);
  // Joining the waitlist tells the desk nothing live; the line is read again every 10 s.
  clearInterval(panel.waitlistTimer);
  panel.waitlistTimer = setInterval(() => attempt(loadWaitlist), 10_000);
  return listen();
}

function sessionEnded() {
  signedOut('Your session has ended (signed out elsewhere, or it expired). Please sign in again.', 'problem');
}

function signedOut(message, kind = 'info') {
  clearInterval(panel.waitlistTimer);
  panel.token = null;
  forgetToken();
  if (panel.live) panel.live.dispose();
  panel.live = null;
  $('desk').hidden = true;
  $('signin').hidden = false;
  $('sign-out').hidden = true;
  $('who').textContent = '';
  for (const list of ['pending', 'registrations', 'cancels', 'feed']) $(list).replaceChildren();
  show('status', message, kind);
}

async function signOut() {
  const token = panel.token;
  signedOut('You are signed out.');
  try {
    await graphql(LOGOUT, {}, token);
  } catch (error) {
    if (!(error instanceof SessionEnded)) throw error;
  }
}

// ---------------------------------------------------------------- live

// Read the lists, then listen. A lost socket resumes where it left off, so nothing that
// happened meanwhile is missed; the lists are re-read only when the server's history no
// longer reaches back, and all starts again if the stream ends (not by the session ending).
async function listen() {
  await loadAll();
  subscribeResuming(panel.live, NOTIFICATIONS, {}, ({ staffNotifications: n }) => {
    const who = n.appointment?.patient?.name ?? n.patient?.name ?? '';
    const at = n.appointment ? ` for ${when(n.appointment.start)} with ${n.appointment.practitioner.name}` : '';
    feed(`${clock(n.at)} ${LABELS[n.kind]}: ${who}${at}`, n.kind);
    attempt(loadAll);
  }, () => attempt(loadAll), (ended) => { if (ended && panel.live && ended.code !== 4401) setTimeout(() => attempt(listen), 1000); });
}

function feed(text, kind = '') {
  $('feed').prepend(element('li', { 'data-kind': kind }, text));
}

async function loadAll() {
  if (!panel.token) return;
  await Promise.all([loadPending(), loadRegistrations(), loadCancels(), loadWaitlist()]);
}

// Bring a list up to date without touching the rows still in it, so a reason being typed,
// a match chosen or the focus survive every live refresh.
async function reconcile(listId, items, build) {
  const list = $(listId);
  const kept = new Map([...list.children].map((row) => [row.dataset.id, row]));
  const rows = await Promise.all(items.map((item) => kept.get(String(item.id)) ?? build(item)));
  rows.forEach((row, index) => {
    if (list.children[index] !== row) list.insertBefore(row, list.children[index] ?? null);
  });
  while (list.children.length > rows.length) list.lastElementChild.remove();
}

// ---------------------------------------------------------------- requests

async function loadPending() {
  const { pendingRequests } = await graphql(PENDING, {}, panel.token);
  await reconcile('pending', pendingRequests, requestRow);
  show('pending-message', pendingRequests.length ? `${pendingRequests.length} waiting` : 'Nothing waiting');
}

async function matchesOf(patientId) {
  return (await graphql(MATCHES, { id: patientId }, panel.token)).patientMatches;
}

function matchText(m) {
  const facts = [m.patient.birthDate && `born ${m.patient.birthDate}`, m.patient.email].filter(Boolean).join(', ');
  const verified = m.verifiedOn.length ? `; proved: ${m.verifiedOn.join(', ')}` : '';
  return `${m.patient.name}${facts ? ` (${facts})` : ''}: ${GRADES[m.grade]} match on ${m.matchedOn.join(', ')}${verified}`;
}

// A radio group: the existing records this person may be, and (for a request) a new patient.
function choices(name, matches, withNew) {
  const certain = matches.filter((m) => m.grade === 'CERTAIN');
  const options = matches.map((m) => element('label', { class: 'choice' },
    element('input', { type: 'radio', name, value: m.patient.id, required: true,
      checked: certain.length === 1 && certain[0] === m }), ` ${matchText(m)}`));
  if (withNew) {
    options.push(element('label', { class: 'choice' },
      element('input', { type: 'radio', name, value: 'new', required: true, checked: matches.length === 0 }),
      ' A new patient (none of these)'));
  }
  return options;
}

async function requestRow(a) {
  const name = a.patient?.name ?? 'Unknown patient';
  const provisional = a.patient?.provisional;
  const matches = provisional ? await matchesOf(a.patient.id) : [];
  const group = `who-${a.id}`;
  const reason = element('input', { name: 'reason', maxlength: 500 });
  const notify = element('input', { type: 'checkbox', name: 'notify', checked: true });
  const row = element('li', { 'data-id': a.id, 'aria-label': `${name}, ${when(a.start)}` },
    element('p', {}, element('strong', {}, name), provisional ? ' (new online patient)' : '',
      ` · ${when(a.start)} · ${a.practitioner.name} · ${a.service.name} · ${a.location.name}`),
    a.note ? element('p', { class: 'note' }, `Note: "${a.note}"`) : null,
    element('form', { class: 'accept', 'aria-label': `Accept ${name}`, onsubmit: (e) => accept(a, e, row) },
      provisional
        ? element('fieldset', {}, element('legend', {}, `Who is ${name}?`), ...choices(group, matches, true))
        : null,
      element('button', { type: 'submit' }, 'Accept')),
    element('form', { class: 'reject', 'aria-label': `Reject ${name}`, onsubmit: (e) => reject(a, e, row, reason, notify) },
      element('label', {}, 'Reason ', reason),
      element('label', {}, notify, ' Email the patient'),
      element('button', { type: 'submit' }, 'Reject')),
    element('p', { class: 'outcome', role: 'status' }));
  return row;
}

async function accept(a, event, row) {
  const chosen = event.target.querySelector('input[type=radio]:checked')?.value;
  const choice = chosen === 'new' ? { createPatient: true } : chosen ? { patientId: chosen } : {};
  const result = (await busy(event.submitter, () => graphql(ACCEPT, { id: a.id, ...choice }, panel.token))).accept;
  if (result.__typename !== 'Appointment') {
    row.querySelector('.outcome').textContent = result.message;
    row.querySelector('.outcome').dataset.kind = 'problem';
    return;
  }
  const unproved = result.identityConfirmed === false ? ' (identity not proved: the requester has not verified the email on file)' : '';
  done(`Accepted: ${result.patient.name}, ${when(a.start)} with ${a.practitioner.name}${unproved}`);
}

async function reject(a, event, row, reason, notify) {
  const result = (await busy(event.submitter, () => graphql(REJECT, {
    id: a.id, reason: reason.value || null, notify: notify.checked,
  }, panel.token))).reject;
  if (result.__typename !== 'Appointment') {
    row.querySelector('.outcome').textContent = result.message;
    return;
  }
  const told = notify.checked ? 'patient emailed' : 'no email sent';
  done(`Rejected: ${a.patient?.name ?? ''}, ${when(a.start)} (${told})`);
}

function done(text) {
  show('status', text, 'done');
  feed(text, 'done');
  attempt(loadAll);
}

// ---------------------------------------------------------------- registrations

async function loadRegistrations() {
  const { onlineRegistrations } = await graphql(REGISTRATIONS, {}, panel.token);
  await reconcile('registrations', onlineRegistrations, registrationRow);
  show('registrations-message', onlineRegistrations.length ? `${onlineRegistrations.length} to merge or confirm` : 'No new registrations');
}

async function registrationRow(p) {
  const matches = await matchesOf(p.id);
  const facts = [p.birthDate && `born ${p.birthDate}`, p.email, p.phone].filter(Boolean).join(', ');
  const row = element('li', { 'data-id': p.id, 'aria-label': `Registration of ${p.name}` },
    element('p', {}, element('strong', {}, p.name), facts ? ` (${facts})` : ''),
    matches.length
      ? element('form', { class: 'merge', 'aria-label': `Merge ${p.name}`, onsubmit: (e) => merge(p, e, row) },
        element('fieldset', {}, element('legend', {}, `Same person as an existing patient?`), ...choices(`into-${p.id}`, matches, false)),
        element('button', { type: 'submit' }, 'Merge into the chosen patient'))
      : element('p', {}, 'No existing patient resembles this registration.'),
    element('button', { type: 'button', onclick: (e) => confirmRegistration(p, e.currentTarget, row) }, 'Confirm as a new patient'),
    element('p', { class: 'outcome', role: 'status' }));
  return row;
}

async function merge(p, event, row) {
  const into = event.target.querySelector('input[type=radio]:checked')?.value;
  const result = (await busy(event.submitter, () => graphql(MERGE, { id: p.id, into }, panel.token))).merge;
  if (result.__typename !== 'Patient') return void (row.querySelector('.outcome').textContent = result.message);
  return done(`Merged: ${p.name}'s registration into ${result.name}`);
}

async function confirmRegistration(p, button, row) {
  const result = (await busy(button, () => graphql(CONFIRM_REGISTRATION, { id: p.id }, panel.token))).confirmRegistration;
  if (result.__typename !== 'Patient') return void (row.querySelector('.outcome').textContent = result.message);
  return done(`Confirmed: ${result.name} is a new patient`);
}

// ---------------------------------------------------------------- cancel requests

// No query lists cancel requests, so the panel reads each practitioner's diary up to the
// booking horizon (in windows the diary allows) and keeps the booked visits whose patient
// asked to cancel.
async function loadCancels() {
  const { practitioners } = await graphql(PRACTITIONERS, {}, panel.token);
  const windows = [];
  const dayMs = 24 * 3600 * 1000;
  for (let start = Date.now(); start < Date.now() + (panel.horizonDays + 1) * dayMs; start += 60 * dayMs) {
    windows.push({ from: new Date(start).toISOString(), to: new Date(start + 60 * dayMs).toISOString() });
  }
  const diaries = await Promise.all(practitioners.flatMap((p) => windows.map((w) => graphql(DIARY, { p: p.id, ...w }, panel.token))));
  const seen = new Set();
  const asking = diaries.flatMap((d) => d.diary)
    .filter((a) => a.status === 'BOOKED' && a.patientResponse === 'CANCEL_REQUESTED' && !seen.has(a.id) && seen.add(a.id))
    .sort((x, y) => Date.parse(x.start) - Date.parse(y.start));
  await reconcile('cancels', asking, cancelRow);
  show('cancels-message', asking.length ? `${asking.length} asking to cancel` : 'Nobody is asking to cancel');
}

function cancelRow(a) {
  const name = a.patient?.name ?? 'Unknown patient';
  const reason = element('input', { name: 'reason', maxlength: 500 });
  const row = element('li', { 'data-id': a.id, 'aria-label': `${name} asks to cancel ${when(a.start)}` },
    element('p', {}, element('strong', {}, name), ` asks to cancel ${when(a.start)} · ${a.practitioner.name} · ${a.service.name}`),
    element('form', { 'aria-label': `Cancel ${name}'s visit`, onsubmit: (e) => cancel(a, e, row, reason) },
      element('label', {}, 'Note ', reason),
      element('button', { type: 'submit' }, 'Cancel the visit')),
    element('p', { class: 'outcome', role: 'status' }));
  return row;
}

async function cancel(a, event, row, reason) {
  const result = (await busy(event.submitter, () => graphql(CANCEL, { id: a.id, reason: reason.value || null }, panel.token))).cancelAppointment;
  if (result.__typename !== 'Appointment') return void (row.querySelector('.outcome').textContent = result.message);
  return done(`Cancelled: ${a.patient?.name ?? ''}, ${when(a.start)} with ${a.practitioner.name}`);
}

// ---------------------------------------------------------------- the waitlist

// Who waits for which time, first in line first, and the offers they hold now.
async function loadWaitlist() {
  const { waitlist } = await graphql(WAITLIST, {}, panel.token);
  const rows = waitlist.edges.map(({ node: e }, place) => {
    const what = `${e.service.name} with ${e.practitioner ? e.practitioner.name : 'anyone'}`;
    const span = `${e.fromDate === e.untilDate ? e.fromDate : `${e.fromDate} to ${e.untilDate}`}, ${e.earliest}–${e.latest}`;
    const state = e.state === 'OFFERED' && e.offer
      ? `offered ${when(e.offer.start)} until ${clock(e.offer.holdExpiresAt)}` : 'waiting';
    return element('li', { 'data-id': e.id }, `${place + 1}. ${e.patient?.name ?? ''}: ${what}, ${span} · ${state}`);
  });
  $('waitlist').replaceChildren(...rows);
  show('waitlist-message', waitlist.totalCount ? `${waitlist.totalCount} waiting` : 'Nobody is waiting');
}

// ---------------------------------------------------------------- wiring

$('signin').addEventListener('submit', (event) => attempt(() => signIn(event)));
$('sign-out').addEventListener('click', () => attempt(signOut));
if (panel.token) attempt(open);
