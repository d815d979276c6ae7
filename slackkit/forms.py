"""Build a modal's ``view.state`` the way Slack does when a user submits (or clicks in) it.

``state_for(view, answers)`` walks the view's blocks, finds every stateful element (input
blocks, stateful section accessories and actions elements) and gives each the value shape
Slack sends for its type. Fields the user did not touch keep their ``initial_*`` value, like
in Slack; a key mapped to ``None`` clears the field. Like the Slack client, it refuses to
submit what a user could not: an empty required input, text outside min/max length, a number
that is not one, an option that is not offered.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

__all__ = ["STATEFUL_TYPES", "FormError", "options_of", "state_for", "stateful_elements"]

TEXT_INPUTS = frozenset({"plain_text_input", "email_text_input", "url_text_input"})
SINGLE_SELECTS = frozenset({"static_select", "external_select", "radio_buttons"})
MULTI_SELECTS = frozenset({"multi_static_select", "multi_external_select", "checkboxes"})
# element type -> (state key, initial key, is a list)
PICKERS: dict[str, tuple[str, str, bool]] = {
    "users_select": ("selected_user", "initial_user", False),
    "multi_users_select": ("selected_users", "initial_users", True),
    "conversations_select": ("selected_conversation", "initial_conversation", False),
    "multi_conversations_select": ("selected_conversations", "initial_conversations", True),
    "channels_select": ("selected_channel", "initial_channel", False),
    "multi_channels_select": ("selected_channels", "initial_channels", True),
}
STATEFUL_TYPES = frozenset(
    {
        *TEXT_INPUTS,
        *SINGLE_SELECTS,
        *MULTI_SELECTS,
        *PICKERS,
        "number_input",
        "rich_text_input",
        "datepicker",
        "timepicker",
        "datetimepicker",
        "file_input",
    }
)
_UNSET = object()


class FormError(AssertionError):
    """The answers could not have been submitted through Slack's UI."""


def stateful_elements(view: Mapping[str, Any]) -> Iterator[tuple[dict, dict]]:
    """Yield ``(block, element)`` for every element whose value lands in ``view.state``."""
    for block in view.get("blocks") or []:
        kind = block.get("type")
        if kind == "input" and isinstance(block.get("element"), dict):
            yield block, block["element"]
        elif kind == "section":
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") in STATEFUL_TYPES:
                yield block, accessory
        elif kind == "actions":
            for element in block.get("elements") or []:
                if element.get("type") in STATEFUL_TYPES:
                    yield block, element


def options_of(element: Mapping[str, Any]) -> list[dict]:
    """All options an element offers (flattening ``option_groups``)."""
    found = list(element.get("options") or [])
    for group in element.get("option_groups") or []:
        found.extend(group.get("options") or [])
    return found


def state_for(
    view: Mapping[str, Any], answers: Mapping[str, Any] | None = None, *, validate: bool = True
) -> dict[str, Any]:
    """Return ``{"values": {block_id: {action_id: {...}}}}`` for ``answers``.

    ``answers`` maps a block_id (or an action_id) to the user's value: a string for text,
    number, date ("YYYY-MM-DD" or a ``date``), time ("HH:MM") and picker inputs, an option
    value (or its label, or an option dict) for selects, a list of those for multi-selects and
    checkboxes. For a block with several stateful elements, map the block_id to
    ``{action_id: value}``.
    """
    answers = dict(answers or {})
    elements = list(stateful_elements(view))
    used: set[str] = set()
    values: dict[str, dict[str, Any]] = {}
    for block, element in elements:
        block_id = block.get("block_id", "")
        action_id = element.get("action_id", "")
        answer: Any = _UNSET
        if block_id in answers:
            used.add(block_id)
            answer = answers[block_id]
            siblings = sum(1 for b, _ in elements if b is block)
            if siblings > 1:
                if not isinstance(answer, Mapping):
                    raise FormError(
                        f"block {block_id!r} has {siblings} elements: answer with "
                        "{action_id: value}"
                    )
                answer = answer.get(action_id, _UNSET)
        elif action_id and action_id in answers:
            used.add(action_id)
            answer = answers[action_id]
        value = _value_for(element, answer)
        if validate:
            _check(block, element, value, answered=answer is not _UNSET)
        values.setdefault(block_id, {})[action_id] = value
    unknown = sorted(set(answers) - used)
    if unknown:
        known = sorted({b.get("block_id", "") for b, _ in elements})
        raise FormError(f"no input for {unknown} in this view; its inputs are {known}")
    return {"values": values}


def _value_for(element: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    kind = element.get("type", "")
    out: dict[str, Any] = {"type": kind}
    given = answer is not _UNSET
    if kind in TEXT_INPUTS or kind == "number_input":
        raw = answer if given else element.get("initial_value")
        out["value"] = None if raw is None else str(raw)
    elif kind == "rich_text_input":
        raw = answer if given else element.get("initial_value")
        out["rich_text_value"] = _rich_text(raw) if isinstance(raw, str) else raw
    elif kind in SINGLE_SELECTS:
        if given:
            out["selected_option"] = None if answer is None else _option(element, answer)
        else:
            out["selected_option"] = element.get("initial_option")
    elif kind in MULTI_SELECTS:
        if given:
            chosen = [] if answer is None else _as_list(answer)
            out["selected_options"] = [_option(element, item) for item in chosen]
        else:
            out["selected_options"] = list(element.get("initial_options") or [])
    elif kind in PICKERS:
        key, initial, many = PICKERS[kind]
        raw = answer if given else element.get(initial)
        if many:
            out[key] = [] if raw is None else _as_list(raw)
        else:
            out[key] = raw
    elif kind == "datepicker":
        raw = answer if given else element.get("initial_date")
        out["selected_date"] = raw.isoformat() if isinstance(raw, dt.date) else raw
    elif kind == "timepicker":
        raw = answer if given else element.get("initial_time")
        out["selected_time"] = raw.strftime("%H:%M") if isinstance(raw, dt.time) else raw
        if element.get("timezone"):
            out["timezone"] = element["timezone"]
    elif kind == "datetimepicker":
        raw = answer if given else element.get("initial_date_time")
        out["selected_date_time"] = int(raw.timestamp()) if isinstance(raw, dt.datetime) else raw
    elif kind == "file_input":
        out["files"] = [] if not given or answer is None else _as_list(answer)
    else:
        raise FormError(f"element type {kind!r} has no state")
    return out


def _as_list(answer: Any) -> list[Any]:
    return list(answer) if isinstance(answer, list | tuple | set | frozenset) else [answer]


def _rich_text(text: str) -> dict[str, Any]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
    return {"type": "rich_text", "elements": [section]}


def _option(element: Mapping[str, Any], answer: Any) -> dict[str, Any]:
    """The option object Slack would send: the element's own option, matched by value/label."""
    if element.get("type", "").endswith("external_select"):
        if isinstance(answer, Mapping):
            return dict(answer)
        return {"text": {"type": "plain_text", "text": str(answer), "emoji": True}, "value": answer}
    if isinstance(answer, Mapping):
        answer = answer.get("value")
    offered = options_of(element)
    for option in offered:
        if option.get("value") == answer:
            return option
    for option in offered:
        if (option.get("text") or {}).get("text") == answer:
            return option
    values = [o.get("value") for o in offered]
    raise FormError(f"{answer!r} is not an option of {element.get('action_id')!r}: {values}")


def _is_empty(value: Mapping[str, Any]) -> bool:
    payload = [v for k, v in value.items() if k not in {"type", "timezone"}]
    return all(v in (None, "", []) for v in payload)


def _check(block: Mapping[str, Any], element: Mapping[str, Any], value: dict, *, answered: bool):
    """Refuse what Slack's client would not let a user submit."""
    block_id = block.get("block_id")
    if block.get("type") != "input":
        return
    if _is_empty(value):
        if not block.get("optional"):
            label = (block.get("label") or {}).get("text", "")
            raise FormError(f"required input {block_id!r} ({label}) is empty: Slack won't submit")
        return
    kind = element.get("type")
    text = value.get("value")
    if kind in TEXT_INPUTS and isinstance(text, str):
        low, high = element.get("min_length"), element.get("max_length")
        if low is not None and len(text) < low:
            raise FormError(f"{block_id!r}: shorter than min_length {low}")
        if high is not None and len(text) > high:
            raise FormError(f"{block_id!r}: longer than max_length {high}")
    if kind == "number_input" and answered and text is not None:
        _check_number(str(block_id), element, text)
    if kind == "datepicker":
        try:
            dt.date.fromisoformat(value["selected_date"])
        except (TypeError, ValueError):
            raise FormError(f"{block_id!r}: date must be YYYY-MM-DD") from None
    if kind == "timepicker":
        try:
            dt.time.fromisoformat(value["selected_time"])
        except (TypeError, ValueError):
            raise FormError(f"{block_id!r}: time must be HH:MM") from None


def _check_number(block_id: str, element: Mapping[str, Any], text: str) -> None:
    decimal = bool(element.get("is_decimal_allowed"))
    try:
        number = float(text) if decimal else int(text)
    except ValueError:
        kind = "a number" if decimal else "a whole number"
        raise FormError(f"{block_id!r}: {text!r} is not {kind}") from None
    low, high = element.get("min_value"), element.get("max_value")
    if low is not None and number < float(low):
        raise FormError(f"{block_id!r}: below min_value {low}")
    if high is not None and number > float(high):
        raise FormError(f"{block_id!r}: above max_value {high}")
