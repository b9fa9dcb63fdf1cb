"""What filling in a form costs on a phone: the inputs a person scrolls past, and the taps.

A path is the cards a person meets for one typical case, what they answer on each and the
button they press. Taps are counted the same way for every form:

- a text field: 1 (to put the cursor there; the typing itself is not counted)
- a date: 2 (open the picker, pick the day); a date already right: 0
- a choice shown as buttons: 1 per value picked; as a drop-down: 1 to open it, 1 per value
- a switch: 1
- the button pressed: 1

An answer equal to what the card already holds costs nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.cards.schema import actions, inputs


@dataclass(frozen=True)
class Step:
    card: dict[str, Any]
    answers: Mapping[str, str]
    press: str
    """The title of the button pressed."""


@dataclass(frozen=True)
class Effort:
    cards: int
    inputs: tuple[int, ...]
    """Inputs on each card of the path, in order."""
    taps: int

    @property
    def longest(self) -> int:
        return max(self.inputs)


def _answer_taps(element: dict[str, Any], answer: str) -> int:
    if answer == str(element.get("value", "")):
        return 0
    kind = element["type"]
    if kind == "Input.Text":
        return 1
    if kind == "Input.Date":
        return 2
    if kind == "Input.Toggle":
        return 1
    picked = len([part for part in answer.split(",") if part])
    if element.get("style") == "compact":
        return 1 + picked
    return picked


def taps(step: Step) -> int:
    elements = {element["id"]: element for element in inputs(step.card)}
    unknown = set(step.answers) - set(elements)
    assert not unknown, f"no such inputs: {sorted(unknown)}"
    titles = [a.get("title") for a in actions(step.card)]
    assert step.press in titles, f"no button {step.press!r} in {titles}"
    return 1 + sum(_answer_taps(elements[key], value) for key, value in step.answers.items())


def effort(path: Sequence[Step]) -> Effort:
    return Effort(
        cards=len(path),
        inputs=tuple(len(inputs(step.card)) for step in path),
        taps=sum(taps(step) for step in path),
    )
