"""Which block of a modal shows a domain field's error.

Errors carry domain field names (``"expected_close"``, ``"remove:12"``); each modal's block
ids are its own business. A field is its own block id unless a modal maps it here; the
error path (``handlers.kit.errors``) puts an error whose block is not in the view (or that
names no field) under the view's first input.
"""

from __future__ import annotations

from bot import ids
from handlers.ui.common import clip, escape

DEAL_FORM = {
    "name": ids.BLOCK_NAME,
    "value": ids.BLOCK_VALUE,
    "currency": ids.BLOCK_CURRENCY,
    "source": ids.BLOCK_SOURCE,
    "owner": ids.BLOCK_OWNER,
    "contact_name": ids.BLOCK_CONTACT_NAME,
    "contact_role": ids.BLOCK_CONTACT_ROLE,
    "expected_close": ids.BLOCK_CLOSE_DATE,
    "next_step": ids.BLOCK_NEXT_STEP,
    "next_step_due": ids.BLOCK_NEXT_STEP_DUE,
    "probability": ids.BLOCK_PROBABILITY,
}
SNOOZE_FORM = {"reason": ids.BLOCK_SNOOZE_REASON, "until": ids.BLOCK_SNOOZE_UNTIL}
MEETING_FORM = {"stage": ids.BLOCK_STAGE_MOVE, "deal": ids.BLOCK_DEAL}

BY_VIEW: dict[str, dict[str, str]] = {
    ids.VIEW_NEW_DEAL: DEAL_FORM,
    ids.VIEW_SNOOZE: SNOOZE_FORM,
    ids.VIEW_MEETING: MEETING_FORM,
    ids.VIEW_WON_VALUE: {"value": ids.BLOCK_WON_VALUE},
    ids.VIEW_TARGETS: {"owner": ids.BLOCK_TARGET_REP, "period": ids.BLOCK_TARGET_PERIOD},
}


def block_for(callback_id: str, field: str | None) -> str | None:
    """The block id showing ``field`` in the modal ``callback_id``. Fields of a stage row
    (``"order:12"``) are the editor's ``order_12`` blocks."""
    if field is None:
        return None
    mapped = BY_VIEW.get(callback_id, {}).get(field)
    if mapped:
        return mapped
    kind, sep, row = field.partition(":")
    return f"{kind}_{row}" if sep else field


# --- the form again, as the user left it -------------------------------------------------

#: A submitted view's keys that ``views.update`` takes back (the rest is Slack's).
VIEW_KEYS = (
    "type",
    "title",
    "submit",
    "close",
    "blocks",
    "private_metadata",
    "callback_id",
    "clear_on_close",
    "notify_on_close",
    "external_id",
)
#: An element's state (``view.state.values``) → the element field that shows it again.
INITIAL = {
    "value": "initial_value",
    "selected_option": "initial_option",
    "selected_options": "initial_options",
    "selected_user": "initial_user",
    "selected_users": "initial_users",
    "selected_date": "initial_date",
    "selected_time": "initial_time",
    "selected_conversation": "initial_conversation",
    "selected_channel": "initial_channel",
}


def _refill(element: dict, state: dict) -> dict:
    out = {k: v for k, v in element.items() if not k.startswith("initial_")}
    for key, initial in INITIAL.items():
        chosen = state.get(key)
        if chosen not in (None, "", []):
            out[initial] = chosen
    return out


def restored(view: dict, *, errors: dict[str, str], metadata: str | None = None) -> dict:
    """A submitted modal as the user left it — every answer in place — with ``errors``
    (``{block_id: text}``) shown under their blocks (an unknown block: at the top), for
    ``views.update`` when the answer to a submission comes too late for ``response_action:
    errors``. ``metadata`` replaces the view's ``private_metadata`` when given."""
    values = (view.get("state") or {}).get("values") or {}
    shown = {b.get("block_id") for b in view.get("blocks") or [] if isinstance(b, dict)}
    blocks: list[dict] = [_warning(text) for key, text in errors.items() if key not in shown]
    for block in view.get("blocks") or []:
        if not isinstance(block, dict):
            continue
        block = dict(block)
        state = values.get(block.get("block_id")) or {}
        element = block.get("element")
        if isinstance(element, dict) and element.get("action_id") in state:
            block["element"] = _refill(element, state[element["action_id"]])
        blocks.append(block)
        if block.get("block_id") in errors:
            blocks.append(_warning(errors[block["block_id"]]))
    out = {k: view[k] for k in VIEW_KEYS if view.get(k) is not None}
    if metadata is not None:
        out["private_metadata"] = metadata
    return {**out, "blocks": blocks[:100]}


def _warning(text: str) -> dict:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": clip(":warning: " + escape(text), 3000)}],
    }
