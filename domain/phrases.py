"""Words a person reads, kept apart from the language they are read in: a phrase is an
English template with the values it names; a catalogue (`domain.words`) gives the
template in another language, and the values are put in afterwards."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Wait:
    """A wait in whole seconds, said as each language says durations."""

    seconds: int

    def english(self) -> str:
        if self.seconds < 90:
            return f"{self.seconds} second{'s' if self.seconds != 1 else ''}"
        return f"{math.ceil(self.seconds / 60)} minutes"


@dataclass(frozen=True)
class Phrase:
    """An English template (`str.format` style, `{name}` for each value) and its values;
    a value may itself be a Phrase (translated too) or a Wait."""

    template: str
    values: Mapping[str, object] = field(default_factory=dict)

    def __init__(self, template: str, /, **values: object) -> None:
        object.__setattr__(self, "template", template)
        object.__setattr__(self, "values", values)

    def english(self) -> str:
        if not self.values:
            return self.template
        return self.template.format(**{k: english(v) for k, v in self.values.items()})


def english(value: object) -> object:
    """A value as the English template shows it."""
    if isinstance(value, Phrase | Wait):
        return value.english()
    return value


def phrase_of(message: str | Phrase) -> Phrase:
    if isinstance(message, Said):
        return message.phrase
    return message if isinstance(message, Phrase) else Phrase(message)


class Said(str):
    """A phrase said in English that remembers what it said: shown as it is, or
    translated by whoever knows the reader's language (the schema's Problem.message)."""

    phrase: Phrase

    def __new__(cls, phrase: Phrase) -> Said:
        said = super().__new__(cls, phrase.english())
        said.phrase = phrase
        return said


def N_(text: str) -> str:
    """Marks a phrase kept in a constant so the catalogues' extractor finds it; it is
    translated where it is shown."""
    return text
