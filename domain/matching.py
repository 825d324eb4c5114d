"""Is this online registration a patient the clinic already has?

Graded like FHIR's Patient `$match`. Fields agree after normalising: names ignore case,
accents, punctuation and word order; phones compare on their last nine digits. Weights:
name 0.4, birth date 0.3, email 0.15, phone 0.15 (a field missing on either side neither
adds nor contradicts).

What a registrant types about themself (name, birth date, phone, an email not yet
confirmed) anyone could type: it suggests, it never decides. Only an email the registrant
has proved (`email_verified`, by the link sent to it) that equals the record's email on
file is a verified agreement (`verified_on`).

- CERTAIN: name and birth date agree, and the registrant's verified email is the record's.
- PROBABLE: name and birth date agree (with or without phone or an unverified email); or
  name, email and phone agree.
- POSSIBLE: any other agreement worth at least 0.4 (e.g. the name alone), or email and
  phone both agreeing (0.3, the one agreement below 0.4 still shown to staff).
- Anything else is no match: a shared family email alone (0.15) is none, verified or not.
- Two different birth dates rule a match out, unless email and phone both agree
  (then POSSIBLE at most).

Only a single CERTAIN match is ever taken without a person choosing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

WEIGHTS = {"name": 0.4, "birthDate": 0.3, "email": 0.15, "phone": 0.15}
THRESHOLD = 0.4


class MatchGrade(StrEnum):
    CERTAIN = "CERTAIN"
    PROBABLE = "PROBABLE"
    POSSIBLE = "POSSIBLE"


@dataclass(frozen=True)
class PersonDetails:
    id: int
    name: str
    birth_date: date | None
    email: str | None
    phone: str | None
    #: The person proved they read `email` (for a registrant: the verification link).
    email_verified: bool = False


@dataclass(frozen=True)
class Match:
    patient_id: int
    score: float
    grade: MatchGrade
    matched_on: tuple[str, ...]
    #: Of `matched_on`, the facts the registrant proved rather than typed.
    verified_on: tuple[str, ...] = ()


def normalize_name(name: str) -> tuple[str, ...]:
    folded = unicodedata.normalize("NFKD", name.casefold().replace("ß", "ss"))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    return tuple(sorted(re.sub(r"[^\w]+|_", " ", plain).split()))


def normalize_phone(phone: str) -> str:
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("00"):
        digits = digits[2:]
    return digits[-9:]


def _agreements(a: PersonDetails, b: PersonDetails) -> tuple[set[str], bool]:
    """Fields that agree, and whether the birth dates contradict each other."""
    agree: set[str] = set()
    if normalize_name(a.name) and normalize_name(a.name) == normalize_name(b.name):
        agree.add("name")
    birth_conflict = False
    if a.birth_date is not None and b.birth_date is not None:
        if a.birth_date == b.birth_date:
            agree.add("birthDate")
        else:
            birth_conflict = True
    if a.email and b.email and a.email.strip().casefold() == b.email.strip().casefold():
        agree.add("email")
    if (
        a.phone
        and b.phone
        and len(normalize_phone(a.phone)) >= 6
        and normalize_phone(a.phone) == normalize_phone(b.phone)
    ):
        agree.add("phone")
    return agree, birth_conflict


def _grade(
    agree: set[str], verified: set[str], birth_conflict: bool, score: float
) -> MatchGrade | None:
    contact = {"email", "phone"}
    if birth_conflict:
        return MatchGrade.POSSIBLE if contact <= agree else None
    if {"name", "birthDate"} <= agree:
        return MatchGrade.CERTAIN if "email" in verified else MatchGrade.PROBABLE
    if {"name"} | contact <= agree:
        return MatchGrade.PROBABLE
    if score >= THRESHOLD - 1e-9 or contact <= agree:
        return MatchGrade.POSSIBLE
    return None


def score(candidate: PersonDetails, existing: PersonDetails) -> Match | None:
    """How `candidate` (the registrant) matches `existing` (a record on file)."""
    agree, birth_conflict = _agreements(candidate, existing)
    verified = {"email"} & agree if candidate.email_verified else set()
    total = round(sum(WEIGHTS[f] for f in agree), 3)
    grade = _grade(agree, verified, birth_conflict, total)
    if grade is None:
        return None
    matched_on = tuple(f for f in WEIGHTS if f in agree)
    verified_on = tuple(f for f in matched_on if f in verified)
    return Match(existing.id, total, grade, matched_on, verified_on)


def find_matches(candidate: PersonDetails, existing: Iterable[PersonDetails]) -> list[Match]:
    found = [m for p in existing if p.id != candidate.id if (m := score(candidate, p))]
    return sorted(found, key=lambda m: (-m.score, m.patient_id))


def choose_automatically(matches: Iterable[Match]) -> Match | None:
    """The one CERTAIN match, resting on a verified email; else None (a person chooses)."""
    certain = [m for m in matches if m.grade is MatchGrade.CERTAIN and "email" in m.verified_on]
    return certain[0] if len(certain) == 1 else None
