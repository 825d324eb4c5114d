// Words and dates in the page's language. The words come from the pages' gettext
// catalogues (client-examples/web/locales, edited by translators), which `portal
// catalogues` writes as JSON into /assets/words/: every English phrase with its
// translation. `t('Booked: {when}', { when })` finds the phrase and puts the values in;
// the page's own HTML is translated in place by `speak`. Dates are written by
// Intl.DateTimeFormat in the clinic's time zone, as the reader's locale writes them.

const STORED = 'portal-language';
let words = Object.create(null);
let zone = 'UTC';
let locale = 'en';
export let language = 'en';

// The phrase in the page's language, `{name}` replaced by each value.
export function t(phrase, values = {}) {
  const text = Object.hasOwn(words, phrase) ? words[phrase] : phrase;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? isolated(String(values[name])) : whole));
}

// A value with right-to-left letters (a name in Arabic or Hebrew) is isolated, FSI…PDI,
// as Fluent isolates every value, so that it cannot carry the sentence's punctuation and
// numbers along with it. Values written left to right (or phrases whose right-to-left
// values are isolated already) are left as they are.
const RIGHT_TO_LEFT = /[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]/;
const ISOLATES = /\u2068[^\u2069]*\u2069/g;
const isolated = (value) => (RIGHT_TO_LEFT.test(value.replace(ISOLATES, '')) ? `\u2068${value}\u2069` : value);

// Marks a phrase kept in a constant so the catalogues' extractor finds it; `t` it where shown.
export const N_ = (phrase) => phrase;

// Fill the page's language list with the languages the clinic's catalogues speak, each
// named in itself; `speak` keeps the one spoken chosen. Answers the languages.
let list = null;

export async function offerLanguages(select) {
  const available = await (await fetch('/assets/words/languages.json')).json();
  select.replaceChildren(...available.map(({ code, name }) => Object.assign(document.createElement('option'), {
    value: code, lang: code, textContent: name,
  })));
  list = select;
  return available;
}

// The language to speak: one chosen on this browser, else the signed-in user's own, else
// the first of the browser's that the catalogues speak, else the clinic's.
export function preferred(available, { user = null, clinic = null } = {}) {
  const codes = available.map((l) => l.code);
  const browser = (navigator.languages ?? [navigator.language]).map((tag) => tag.split('-')[0].toLowerCase());
  const candidates = [localStorage.getItem(STORED), user, ...browser, clinic, 'en'];
  return candidates.find((code) => code && codes.includes(code));
}

// Remember the language a person chose here (it outranks every other preference).
export const chooseHere = (code) => localStorage.setItem(STORED, code);
export const chosenHere = () => localStorage.getItem(STORED);

// Speak `code`: read its words, write dates as the browser writes that language (its
// de-AT, say, else plain de), translate the page's own HTML and write every shown line anew.
export async function speak(code) {
  const response = await fetch(`/assets/words/${encodeURIComponent(code)}.json`);
  if (!response.ok) throw new Error(`No words for ${code}`);
  // Own keys only: a phrase is never found among an object's inherited names.
  words = Object.assign(Object.create(null), await response.json());
  language = code;
  const tags = navigator.languages ?? [navigator.language];
  locale = tags.find((tag) => tag.split('-')[0].toLowerCase() === code) ?? code;
  document.documentElement.lang = code;
  if (list) list.value = code;
  translatePage();
  for (const [id, write] of shown) document.getElementById(id).textContent = write();
}

// Show a line of words in an element. `text` may be a function that writes it, so that
// `speak` writes every shown line anew in another language.
const shown = new Map();

export function show(id, text, kind = 'info') {
  // Text given as it is (a problem the server worded) is not written again: it is cleared.
  shown.set(id, typeof text === 'function' ? text : () => '');
  const node = document.getElementById(id);
  node.textContent = typeof text === 'function' ? text() : text;
  node.dataset.kind = kind;
}

// ---------------------------------------------------------------- the page's own HTML

// The page's own text and read attributes, found once, before any script writes into
// the page, with their English: so the page can be spoken again in another language, and
// a name that happens to read like a phrase ("Service") is never taken for one.
const READ = ['aria-label', 'title', 'placeholder', 'alt'];
const plain = (text) => text.replace(/\s+/g, ' ').trim();
let own = null;

function ownWords() {
  const found = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (['SCRIPT', 'STYLE'].includes(node.parentElement?.tagName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const [, before, after] = node.data.match(/^(\s*)[\s\S]*?(\s*)$/);
    if (plain(node.data)) found.push({ phrase: plain(node.data), write: (text) => { node.data = before + text + after; } });
  }
  for (const element of document.querySelectorAll(READ.map((name) => `[${name}]`).join(','))) {
    for (const name of READ) {
      const phrase = plain(element.getAttribute(name) ?? '');
      if (phrase) found.push({ phrase, write: (text) => element.setAttribute(name, text) });
    }
  }
  return found;
}

function translatePage() {
  own ??= ownWords();
  for (const { phrase, write } of own) write(Object.hasOwn(words, phrase) ? words[phrase] : phrase);
}

// ---------------------------------------------------------------- dates and times

// The clinic's zone, in which every date and time is written.
export function inZone(timeZone) {
  zone = timeZone;
}

const written = (options, timeZone = zone) => new Intl.DateTimeFormat(locale, { timeZone, ...options });

// "09:00" (or "9:00 AM" where the reader's locale says so): the time on the clinic's clock.
export const clock = (iso) => written({ hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
// "Mon 7 Dec" / "Mo., 7. Dez.": the day on the clinic's calendar.
export const day = (iso) => written({ weekday: 'short', day: 'numeric', month: 'short' }).format(new Date(iso));
// "Mon 7 Dec, 09:00" / "Mo., 7. Dez., 09:00".
export const when = (iso) => written({
  weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit',
}).format(new Date(iso));
// A calendar date ("2026-12-07", no zone) as "7 Dec 2026" / "7. Dez. 2026".
export const date = (isoDate) => written({ day: 'numeric', month: 'short', year: 'numeric' }, 'UTC')
  .format(new Date(`${isoDate}T12:00:00Z`));
// A time of day ("08:00:00", no zone) as the clock writes it.
export const time = (isoTime) => written({ hour: '2-digit', minute: '2-digit' }, 'UTC')
  .format(new Date(`2000-01-01T${isoTime.slice(0, 5)}:00Z`));
