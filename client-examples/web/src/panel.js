// The staff live notification panel: pending requests, live events, accept and reject.
import { clock, day, element, graphql, liveClient, show, subscribe } from './api.js';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) {
  __typename ... on SignIn { token user { name kind } } ... on Problem { message } } }`;
const PENDING = `{ pendingRequests { id status start note patient { name provisional } practitioner { name } service { name } } }`;
const NOTIFICATIONS = `subscription { staffNotifications { kind at appointment { id start patient { name } } patient { name } } }`;
const ACCEPT = `mutation($id: ID!, $patientId: ID, $createPatient: Boolean) {
  accept(appointmentId: $id, patientId: $patientId, createPatient: $createPatient) {
    __typename ... on Appointment { id status identityConfirmed }
    ... on PatientChoiceRequired { message candidates { patient { id name birthDate email } grade matchedOn verifiedOn } }
    ... on InvalidInput { message field } ... on Problem { message } } }`;
const REJECT = `mutation($id: ID!, $reason: String, $notify: Boolean!) {
  reject(appointmentId: $id, reason: $reason, notifyPatient: $notify) {
    __typename ... on Appointment { id status } ... on Problem { message } } }`;

const LABELS = {
  NEW_REQUEST: 'New request',
  NEW_PROVISIONAL_BOOKING: 'New booking by a new online patient',
  NEW_REGISTRATION: 'New online registration',
  CANCEL_REQUESTED: 'Patient asks to cancel',
  UNCANCEL_REQUESTED: 'Patient withdrew a cancellation',
};
const panel = { token: null, live: null };
const $ = (id) => document.getElementById(id);

async function signIn(event) {
  event.preventDefault();
  const result = (await graphql(LOGIN, { email: $('email').value, password: $('password').value })).login;
  if (result.__typename !== 'SignIn') return show('signin-message', result.message, 'problem');
  if (result.user.kind !== 'STAFF') return show('signin-message', 'The panel is for clinic staff.', 'problem');
  panel.token = result.token;
  panel.live = liveClient(panel.token);
  $('signin').hidden = true;
  $('desk').hidden = false;
  show('who', `Signed in as ${result.user.name}`);
  listen();
}

// Read the list, then listen; whenever the stream ends, read again and listen again.
async function listen() {
  await loadPending();
  subscribe(panel.live, NOTIFICATIONS, {}, ({ staffNotifications: n }) => {
    const who = n.appointment?.patient?.name ?? n.patient?.name ?? '';
    const when = n.appointment ? ` for ${day(n.appointment.start)} ${clock(n.appointment.start)}` : '';
    $('feed').prepend(element('li', { 'data-kind': n.kind }, `${clock(n.at)} ${LABELS[n.kind]}: ${who}${when}`));
    if (n.kind === 'NEW_REQUEST' || n.kind === 'NEW_PROVISIONAL_BOOKING') loadPending();
  }, (ended) => { if (ended) setTimeout(listen, 1000); });
}

async function loadPending() {
  const { pendingRequests } = await graphql(PENDING, {}, panel.token);
  $('pending').replaceChildren(...pendingRequests.map(requestRow));
  show('pending-message', pendingRequests.length ? `${pendingRequests.length} waiting` : 'Nothing waiting');
}

function requestRow(a) {
  const reason = element('input', { placeholder: 'Reason (optional)', class: 'reason' });
  const notify = element('input', { type: 'checkbox', checked: '' });
  const row = element('li', { 'data-id': a.id },
    element('strong', {}, `${a.patient?.name ?? '?'}${a.patient?.provisional ? ' (new online patient)' : ''}`),
    ` ${day(a.start)} ${clock(a.start)} · ${a.practitioner.name} · ${a.service.name}`,
    a.note ? element('em', {}, ` "${a.note}"`) : '',
    element('div', { class: 'actions' },
      element('button', { class: 'accept', onclick: () => accept(a.id, {}, row) }, 'Accept'),
      reason, element('label', {}, notify, ' email patient'),
      element('button', { class: 'reject', onclick: () => reject(a.id, reason.value, notify.checked, row) }, 'Reject')),
    element('div', { class: 'choice' }));
  return row;
}

async function accept(id, choice, row) {
  const result = (await graphql(ACCEPT, { id, ...choice }, panel.token)).accept;
  const box = row.querySelector('.choice');
  if (result.__typename === 'Appointment') {
    const unconfirmed = result.identityConfirmed === false ? ' (identity unconfirmed: the requester has not proved the email on file)' : '';
    return done(row, `Accepted: ${result.status}${unconfirmed}`);
  }
  if (result.__typename === 'PatientChoiceRequired') {
    box.replaceChildren(result.message, ...result.candidates.map((c) => element('button', {
      onclick: () => accept(id, { patientId: c.patient.id }, row),
    }, `${c.patient.name} ${c.patient.birthDate ?? ''} (${c.grade}: ${c.matchedOn.join(', ')}${c.verifiedOn.length ? `; verified: ${c.verifiedOn.join(', ')}` : '; nothing verified'})`)),
    element('button', { onclick: () => accept(id, { createPatient: true }, row) }, 'None of these: new patient'));
    return;
  }
  if (result.__typename === 'InvalidInput' && result.field === 'createPatient') {
    box.replaceChildren(result.message, element('button', { onclick: () => accept(id, { createPatient: true }, row) }, 'Admit as new patient'));
    return;
  }
  box.textContent = result.message;
}

async function reject(id, reason, notify, row) {
  const result = (await graphql(REJECT, { id, reason: reason || null, notify }, panel.token)).reject;
  if (result.__typename === 'Appointment') return done(row, 'Rejected');
  row.querySelector('.choice').textContent = result.message;
}

function done(row, text) {
  $('feed').prepend(element('li', {}, `${text}: ${row.querySelector('strong').textContent}`));
  row.remove();
  loadPending();
}

$('signin').addEventListener('submit', signIn);
