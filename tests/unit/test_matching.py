"""Which existing patients an online registration may be, graded like FHIR's Patient $match."""

from __future__ import annotations

from datetime import date

import pytest

from domain.matching import (
    Match,
    MatchGrade,
    PersonDetails,
    choose_automatically,
    find_matches,
    normalize_name,
    normalize_phone,
    score,
)

BIRTH = date(1985, 4, 12)
OTHER_BIRTH = date(2012, 9, 3)


def person(
    id: int = 1,
    name: str = "Anna Schmidt",
    birth_date: date | None = BIRTH,
    email: str | None = "anna@example.org",
    phone: str | None = "+49 30 1234567",
    email_verified: bool = False,
) -> PersonDetails:
    return PersonDetails(
        id=id,
        name=name,
        birth_date=birth_date,
        email=email,
        phone=phone,
        email_verified=email_verified,
    )


#: A registrant who typed Anna's details; VERIFIED also proved the email with its link.
ONLINE = person(id=100)
VERIFIED = person(id=100, email_verified=True)
EVERYTHING = ("name", "birthDate", "email", "phone")

CASES = [
    pytest.param(
        VERIFIED,
        person(id=1),
        MatchGrade.CERTAIN,
        EVERYTHING,
        ("email",),
        id="same person registering again with the verified email on file is certain",
    ),
    pytest.param(
        ONLINE,
        person(id=1),
        MatchGrade.PROBABLE,
        EVERYTHING,
        (),
        id="the same details typed but the email not verified are only probable",
    ),
    pytest.param(
        person(id=100, email="stranger@example.net"),
        person(id=1),
        MatchGrade.PROBABLE,
        ("name", "birthDate", "phone"),
        (),
        id="a look-alike with name birth date and phone is probable at most",
    ),
    pytest.param(
        person(id=100, email="stranger@example.net", email_verified=True),
        person(id=1),
        MatchGrade.PROBABLE,
        ("name", "birthDate", "phone"),
        (),
        id="a verified email that is not the record's proves nothing about the record",
    ),
    pytest.param(
        person(id=100, name="jose alvarez", email=None, phone=None),
        person(id=1, name="José Álvarez", email=None, phone="0301234567"),
        MatchGrade.PROBABLE,
        ("name", "birthDate"),
        (),
        id="name and birth date only is probable, never taken automatically",
    ),
    pytest.param(
        person(id=100, name="jose alvarez", email="JOSE@example.org", email_verified=True),
        person(id=1, name="José Álvarez", email="jose@example.org "),
        MatchGrade.CERTAIN,
        EVERYTHING,
        ("email",),
        id="accents and case typed differently still certain",
    ),
    pytest.param(
        person(id=100, name="Schmidt, Anna", email_verified=True),
        person(id=1, name="anna  SCHMIDT"),
        MatchGrade.CERTAIN,
        EVERYTHING,
        ("email",),
        id="surname typed first still matches on name",
    ),
    pytest.param(
        person(id=100, phone="0049 30 1234567", email_verified=True),
        person(id=1, email=None, phone="030 / 123 45 67"),
        MatchGrade.PROBABLE,
        ("name", "birthDate", "phone"),
        (),
        id="phone written differently matches, but a record without email is never certain",
    ),
    pytest.param(
        person(id=100, email=None, phone=None),
        person(id=1, birth_date=OTHER_BIRTH),
        None,
        (),
        (),
        id="same name different birth date is no match",
    ),
    pytest.param(
        VERIFIED,
        person(id=1, birth_date=OTHER_BIRTH),
        MatchGrade.POSSIBLE,
        ("name", "email", "phone"),
        ("email",),
        id="different birth date but same name verified email and phone is only possible",
    ),
    pytest.param(
        person(id=100, birth_date=None, phone=None, email_verified=True),
        person(id=1),
        MatchGrade.POSSIBLE,
        ("name", "email"),
        ("email",),
        id="registration without birth date matching name and verified email is possible",
    ),
    pytest.param(
        person(id=100, birth_date=None),
        person(id=1),
        MatchGrade.PROBABLE,
        ("name", "email", "phone"),
        (),
        id="registration without birth date matching name email and phone is probable",
    ),
    pytest.param(
        person(id=100, email=None, phone=None, birth_date=None),
        person(id=1),
        MatchGrade.POSSIBLE,
        ("name",),
        (),
        id="name alone is possible",
    ),
    pytest.param(
        person(id=100, name="Maria Schmidt", phone=None, email_verified=True),
        person(id=1, name="Lena Schmidt", birth_date=OTHER_BIRTH, phone=None),
        None,
        (),
        (),
        id="parent sharing the child's verified email is no match",
    ),
    pytest.param(
        person(id=100, name="Maria Schmidt"),
        person(id=1, name="Lena Schmidt", birth_date=OTHER_BIRTH),
        MatchGrade.POSSIBLE,
        ("email", "phone"),
        (),
        id="parent sharing the child's email and phone is possible at best",
    ),
    pytest.param(
        person(id=100, name="Maria Schmidt", email=None, phone=None),
        person(id=1, name="Lena Schmidt"),
        None,
        (),
        (),
        id="same birth date alone is no match",
    ),
]


@pytest.mark.parametrize(("candidate", "existing", "grade", "matched_on", "verified_on"), CASES)
def test_score(
    candidate: PersonDetails,
    existing: PersonDetails,
    grade: MatchGrade | None,
    matched_on: tuple[str, ...],
    verified_on: tuple[str, ...],
) -> None:
    match = score(candidate, existing)
    if grade is None:
        assert match is None
    else:
        assert match is not None
        assert (match.patient_id, match.grade, match.matched_on, match.verified_on) == (
            existing.id,
            grade,
            matched_on,
            verified_on,
        )


def test_only_the_registrants_proof_counts_not_the_records() -> None:
    """The record's email is the clinic's fact; whether the *registrant* proved theirs is
    what makes a match certain."""
    match = score(ONLINE, person(id=1, email_verified=True))
    assert match is not None
    assert (match.grade, match.verified_on) == (MatchGrade.PROBABLE, ())


def test_score_is_the_sum_of_the_agreeing_weights() -> None:
    match = score(person(id=100, phone=None), person(id=1, phone=None))
    assert match is not None
    assert match.score == pytest.approx(0.4 + 0.3 + 0.15)


def test_names_compare_regardless_of_case_accents_punctuation_and_order() -> None:
    assert normalize_name("Schmidt, Anna") == normalize_name("anna  SCHMIDT") == ("anna", "schmidt")
    assert normalize_name("Änna Schmidt") == normalize_name("Anna Schmidt")
    assert normalize_name("Anna-Lena Groß") == ("anna", "gross", "lena")


def test_phones_compare_on_their_last_nine_digits() -> None:
    assert normalize_phone("+49 30 1234567") == normalize_phone("030 1234567")
    assert normalize_phone("0049 (30) 123-4567") == normalize_phone("+49 30 1234567")
    assert normalize_phone("+49 30 1234567") != normalize_phone("+49 30 7654321")


def match(patient_id: int, grade: MatchGrade, value: float = 1.0) -> Match:
    verified_on = ("email",) if grade is MatchGrade.CERTAIN else ()
    return Match(
        patient_id=patient_id,
        score=value,
        grade=grade,
        matched_on=("name", "birthDate", "email"),
        verified_on=verified_on,
    )


def test_several_certain_matches_leave_the_choice_to_staff() -> None:
    matches = [match(1, MatchGrade.CERTAIN), match(2, MatchGrade.CERTAIN)]
    assert choose_automatically(matches) is None


def test_one_certain_match_among_probable_ones_is_taken() -> None:
    certain = match(2, MatchGrade.CERTAIN)
    matches = [match(1, MatchGrade.PROBABLE, 0.7), certain, match(3, MatchGrade.PROBABLE, 0.7)]
    assert choose_automatically(matches) == certain


def test_a_certain_grade_without_a_verified_email_is_never_taken() -> None:
    unproved = Match(1, 1.0, MatchGrade.CERTAIN, ("name", "birthDate", "email", "phone"), ())
    assert choose_automatically([unproved]) is None


def test_no_certain_match_leaves_the_choice_to_staff() -> None:
    assert choose_automatically([match(1, MatchGrade.PROBABLE, 0.7)]) is None
    assert choose_automatically([]) is None


def test_matches_are_listed_best_first() -> None:
    existing = [
        person(id=5, birth_date=None, email=None, phone=None),  # name only: 0.4
        person(id=4, email="other@example.org", phone=None),  # name + birth date: 0.7
        person(id=3, email="other@example.org", phone=None),  # name + birth date: 0.7
        person(id=2),  # everything: 1.0
        person(id=1, name="Someone Else", birth_date=None, phone=None),  # email only: none
    ]
    found = find_matches(VERIFIED, existing)
    assert [(m.patient_id, m.grade) for m in found] == [
        (2, MatchGrade.CERTAIN),
        (3, MatchGrade.PROBABLE),
        (4, MatchGrade.PROBABLE),
        (5, MatchGrade.POSSIBLE),
    ]
