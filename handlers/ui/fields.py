"""Which block of a modal shows a domain field's error.

Errors carry domain field names (``"expected_close"``, ``"remove:12"``); each modal's block
ids are its own business. A field is its own block id unless a modal maps it here; the
error path (``handlers.kit.errors``) puts an error whose block is not in the view (or that
names no field) under the view's first input.
"""

from __future__ import annotations

from bot import ids

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
