"""Block Kit as HTML, drawn on the server for the playground's page.

Rendering in Python keeps the page a small static script (no Node build, no JS renderer to
test separately) and lets plain unit tests read the output. Each block and element type has
one function; ``supported_types()`` lists them, so a test fails when a builder in
``handlers/ui`` starts using a type this module cannot draw (an unknown one is drawn as a
visible "unsupported" note, never dropped silently).

The HTML is what the page's script needs to act like Slack's client: every interactive
element carries ``data-type``, ``data-action-id`` and ``data-block-id``; buttons carry their
``value`` and ``confirm`` dialog; stateful elements are native form controls (``select``,
``input type=date``, checkboxes) whose values the script reads into ``view.state``. Selects
use native controls on purpose: they behave and test like real form fields; only
``external_select`` (type-ahead) and ``overflow`` (a menu) need script of their own.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .forms import options_of
from .mrkdwn import Names, mrkdwn, plain

__all__ = ["Canvas", "render_blocks", "render_text", "supported_types"]

Json = dict[str, Any]
_radio_names = itertools.count(1)


@dataclass(frozen=True)
class Canvas:
    """What drawing needs beyond the blocks: names, pickers' choices, where files are."""

    names: Names = field(default_factory=Names)
    people: Mapping[str, str] = field(default_factory=dict)  # users_select's choices
    file_url: Callable[[str], str] = lambda file_id: f"/files/{file_id}"


def _attr(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return html.escape(text, quote=True)


def render_text(obj: Any, canvas: Canvas) -> str:
    """A text object (``plain_text`` or ``mrkdwn``) as HTML; ``""`` for none."""
    if not isinstance(obj, dict):
        return ""
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")), canvas.names)
    return plain(str(obj.get("text", "")), emoji=obj.get("emoji", True) is not False)


def _flag(value: Any) -> str:
    return "true" if value else "false"


def _ids(element: Json, block_id: str) -> str:
    return (
        f'data-type="{_attr(element.get("type", ""))}" '
        f'data-action-id="{_attr(element.get("action_id", ""))}" '
        f'data-block-id="{_attr(block_id)}"'
    )


# --- elements -----------------------------------------------------------------------------


def _confirm(element: Json, canvas: Canvas) -> str:
    confirm = element.get("confirm")
    if not isinstance(confirm, dict):
        return ""
    dialog = {
        "title": render_text(confirm.get("title"), canvas) or "Are you sure?",
        "text": render_text(confirm.get("text"), canvas),
        "confirm": render_text(confirm.get("confirm"), canvas) or "Yes",
        "deny": render_text(confirm.get("deny"), canvas) or "Cancel",
        "style": confirm.get("style", "primary"),
    }
    return f' data-confirm="{_attr(dialog)}"'


def button(element: Json, block_id: str, canvas: Canvas) -> str:
    style = element.get("style") or "default"
    extra = _confirm(element, canvas)
    if element.get("value") is not None:
        extra += f' data-value="{_attr(element["value"])}"'
    if element.get("url"):
        extra += f' data-url="{_attr(element["url"])}"'
    label = render_text(element.get("text"), canvas)
    return (
        f'<button type="button" class="bk-el bk-button bk-{_attr(style)}" '
        f"{_ids(element, block_id)}{extra}>{label}</button>"
    )


def overflow(element: Json, block_id: str, canvas: Canvas) -> str:
    items = "".join(
        f'<button type="button" class="menu-item" data-value="{_attr(o.get("value", ""))}">'
        f"{render_text(o.get('text'), canvas)}</button>"
        for o in element.get("options") or []
    )
    return (
        f'<div class="bk-el bk-overflow" {_ids(element, block_id)}{_confirm(element, canvas)}>'
        f'<button type="button" class="bk-overflow-button" aria-label="More">&#8942;</button>'
        f'<div class="menu" hidden>{items}</div></div>'
    )


def _option_tag(option: Json, chosen: set[str], canvas: Canvas) -> str:
    value = str(option.get("value", ""))
    selected = " selected" if value in chosen else ""
    label = html.escape(str((option.get("text") or {}).get("text", value)))
    return f'<option value="{_attr(value)}"{selected}>{label}</option>'


def _select(element: Json, block_id: str, choices: str, *, many: bool) -> str:
    placeholder = html.escape(str((element.get("placeholder") or {}).get("text", "Select")))
    head = "" if many else f'<option value="">{placeholder}</option>'
    multiple = f' multiple size="{min(6, max(2, choices.count("<option")))}"' if many else ""
    return (
        f'<select class="bk-el bk-select" {_ids(element, block_id)}{multiple} '
        f'aria-label="{placeholder}">{head}{choices}</select>'
    )


def static_select(element: Json, block_id: str, canvas: Canvas) -> str:
    many = element.get("type", "").startswith("multi_")
    initial = element.get("initial_options") if many else [element.get("initial_option")]
    chosen = {str(o.get("value")) for o in initial or [] if isinstance(o, dict)}
    groups = element.get("option_groups")
    if groups:
        choices = "".join(
            f'<optgroup label="{_attr((g.get("label") or {}).get("text", ""))}">'
            + "".join(_option_tag(o, chosen, canvas) for o in g.get("options") or [])
            + "</optgroup>"
            for g in groups
        )
    else:
        choices = "".join(_option_tag(o, chosen, canvas) for o in options_of(element))
    return _select(element, block_id, choices, many=many)


def _picker(element: Json, block_id: str, names: Mapping[str, str], initial_key: str) -> str:
    many = element.get("type", "").startswith("multi_")
    initial = element.get(initial_key)
    chosen = set(initial or []) if many else {initial}
    choices = "".join(
        f'<option value="{_attr(k)}"{" selected" if k in chosen else ""}>{html.escape(v)}</option>'
        for k, v in names.items()
    )
    return _select(element, block_id, choices, many=many)


def users_select(element: Json, block_id: str, canvas: Canvas) -> str:
    many = element.get("type") == "multi_users_select"
    return _picker(element, block_id, canvas.people, "initial_users" if many else "initial_user")


def conversations_select(element: Json, block_id: str, canvas: Canvas) -> str:
    kind = element.get("type", "")
    key = "initial_channel" if "channels" in kind else "initial_conversation"
    key += "s" if kind.startswith("multi_") else ""
    channels = {k: f"#{v}" for k, v in canvas.names.channels.items()}
    return _picker(element, block_id, channels, key)


def external_select(element: Json, block_id: str, canvas: Canvas) -> str:
    many = element.get("type") == "multi_external_select"
    initial = element.get("initial_options") if many else [element.get("initial_option")]
    chosen = [o for o in initial or [] if isinstance(o, dict)]
    placeholder = html.escape(str((element.get("placeholder") or {}).get("text", "Search")))
    min_query = int(element.get("min_query_length", 3))
    return (
        f'<div class="bk-el bk-external" {_ids(element, block_id)} data-min-query="{min_query}" '
        f'data-selected="{_attr(chosen)}"><div class="chips"></div>'
        f'<input type="text" class="bk-text" placeholder="{placeholder}" autocomplete="off" '
        f'aria-label="{placeholder}"><div class="suggestions menu" hidden></div></div>'
    )


def _choice(element: Json, option: Json, kind: str, name: str, chosen: set, canvas: Canvas) -> str:
    value = str(option.get("value", ""))
    checked = " checked" if value in chosen else ""
    description = render_text(option.get("description"), canvas)
    note = f'<span class="description">{description}</span>' if description else ""
    return (
        f'<label class="bk-choice"><input type="{kind}" name="{name}" value="{_attr(value)}"'
        f"{checked}><span>{render_text(option.get('text'), canvas)}{note}</span></label>"
    )


def choices(element: Json, block_id: str, canvas: Canvas) -> str:
    """``checkboxes`` and ``radio_buttons``."""
    radio = element.get("type") == "radio_buttons"
    initial = [element.get("initial_option")] if radio else element.get("initial_options")
    chosen = {str(o.get("value")) for o in initial or [] if isinstance(o, dict)}
    name = f"radio-{next(_radio_names)}"
    kind = "radio" if radio else "checkbox"
    body = "".join(_choice(element, o, kind, name, chosen, canvas) for o in options_of(element))
    return f'<div class="bk-el bk-choices" {_ids(element, block_id)}>{body}</div>'


def text_input(element: Json, block_id: str, canvas: Canvas) -> str:
    """``plain_text_input`` (one line or multiline), ``email_text_input``, ``url_text_input``,
    ``number_input`` (checked by the page like Slack's client checks it)."""
    kind = element.get("type", "")
    placeholder = html.escape(str((element.get("placeholder") or {}).get("text", "")))
    value = html.escape(str(element.get("initial_value") or ""))
    attrs = f'class="bk-el bk-text" {_ids(element, block_id)} placeholder="{placeholder}"'
    for key, name in (("min_length", "minlength"), ("max_length", "maxlength")):
        if element.get(key) is not None:
            attrs += f' {name}="{int(element[key])}"'
    if kind == "number_input":
        decimal = _flag(element.get("is_decimal_allowed"))
        attrs += f' inputmode="decimal" data-decimal="{decimal}"'
        attrs += "".join(
            f' data-{k.split("_")[0]}="{_attr(str(element[k]))}"'
            for k in ("min_value", "max_value")
            if element.get(k) is not None
        )
    if element.get("multiline"):
        return f'<textarea {attrs} rows="4">{value}</textarea>'
    html_type = {"email_text_input": "email", "url_text_input": "url"}.get(kind, "text")
    return f'<input type="{html_type}" {attrs} value="{value}">'


def datepicker(element: Json, block_id: str, canvas: Canvas) -> str:
    value = _attr(element.get("initial_date") or "")
    return f'<input type="date" class="bk-el bk-date" {_ids(element, block_id)} value="{value}">'


def timepicker(element: Json, block_id: str, canvas: Canvas) -> str:
    value = _attr(element.get("initial_time") or "")
    return f'<input type="time" class="bk-el bk-date" {_ids(element, block_id)} value="{value}">'


def file_input(element: Json, block_id: str, canvas: Canvas) -> str:
    """``file_input``: drawn as the browser's file picker (the playground's page does not
    upload it; tests give the fake's files as the element's state)."""
    kinds = ",".join("." + str(k) for k in element.get("filetypes") or [])
    many = " multiple" if int(element.get("max_files") or 10) > 1 else ""
    accept = f' accept="{_attr(kinds)}"' if kinds else ""
    return f'<input type="file" class="bk-el bk-file" {_ids(element, block_id)}{accept}{many}>'


def image_element(element: Json, block_id: str, canvas: Canvas) -> str:
    url, alt = _image_url(element, canvas), element.get("alt_text", "")
    return f'<img class="bk-image-element" src="{_attr(url)}" alt="{_attr(alt)}">'


def _image_url(obj: Json, canvas: Canvas) -> str:
    if obj.get("image_url"):
        return str(obj["image_url"])
    slack_file = obj.get("slack_file") or {}
    if slack_file.get("id"):
        return canvas.file_url(str(slack_file["id"]))
    return str(slack_file.get("url") or "")


ELEMENTS: dict[str, Callable[[Json, str, Canvas], str]] = {
    "button": button,
    "overflow": overflow,
    "static_select": static_select,
    "multi_static_select": static_select,
    "users_select": users_select,
    "multi_users_select": users_select,
    "conversations_select": conversations_select,
    "multi_conversations_select": conversations_select,
    "channels_select": conversations_select,
    "multi_channels_select": conversations_select,
    "external_select": external_select,
    "multi_external_select": external_select,
    "checkboxes": choices,
    "radio_buttons": choices,
    "plain_text_input": text_input,
    "email_text_input": text_input,
    "url_text_input": text_input,
    "number_input": text_input,
    "datepicker": datepicker,
    "timepicker": timepicker,
    "image": image_element,
    "file_input": file_input,
}


def element_html(element: Any, block_id: str, canvas: Canvas) -> str:
    if not isinstance(element, dict):
        return ""
    draw = ELEMENTS.get(str(element.get("type")))
    if draw is None:
        return _unsupported("element", element.get("type"))
    return draw(element, block_id, canvas)


def _unsupported(what: str, kind: Any) -> str:
    return f'<div class="bk-unsupported">Unsupported {what}: {html.escape(str(kind))}</div>'


# --- blocks -------------------------------------------------------------------------------


def section(block: Json, block_id: str, canvas: Canvas) -> str:
    text = render_text(block.get("text"), canvas)
    body = f'<div class="bk-text-body">{text}</div>' if text else ""
    fields = block.get("fields") or []
    if fields:
        cells = "".join(f'<div class="bk-field">{render_text(f, canvas)}</div>' for f in fields)
        body += f'<div class="bk-fields">{cells}</div>'
    accessory = element_html(block.get("accessory"), block_id, canvas)
    side = f'<div class="bk-accessory">{accessory}</div>' if accessory else ""
    return f'<div class="bk-section-main">{body}</div>{side}'


def header(block: Json, block_id: str, canvas: Canvas) -> str:
    return f"<h3>{render_text(block.get('text'), canvas)}</h3>"


def context(block: Json, block_id: str, canvas: Canvas) -> str:
    parts = []
    for element in block.get("elements") or []:
        if isinstance(element, dict) and element.get("type") == "image":
            parts.append(image_element(element, block_id, canvas))
        else:
            parts.append(f"<span>{render_text(element, canvas)}</span>")
    return "".join(parts)


def divider(block: Json, block_id: str, canvas: Canvas) -> str:
    return "<hr>"


def actions(block: Json, block_id: str, canvas: Canvas) -> str:
    return "".join(element_html(e, block_id, canvas) for e in block.get("elements") or [])


def image(block: Json, block_id: str, canvas: Canvas) -> str:
    title = render_text(block.get("title"), canvas)
    caption = f'<div class="bk-image-title">{title}</div>' if title else ""
    url, alt = _image_url(block, canvas), block.get("alt_text", "")
    return f'{caption}<img class="bk-image" src="{_attr(url)}" alt="{_attr(alt)}">'


def input_block(block: Json, block_id: str, canvas: Canvas) -> str:
    """Label, element, hint and the slot where the page shows a field error; a ``<label>``
    wraps a single control (so the label names it), a ``<fieldset>`` a group of choices."""
    element = block.get("element") or {}
    group = element.get("type") in {"checkboxes", "radio_buttons"}
    outer, title = ("fieldset", "legend") if group else ("label", "span")
    optional = ' <span class="optional">(optional)</span>' if block.get("optional") else ""
    hint = render_text(block.get("hint"), canvas)
    return (
        f'<{outer} class="bk-field-wrap"><{title} class="bk-label">'
        f"{render_text(block.get('label'), canvas)}{optional}</{title}>"
        f"{element_html(element, block_id, canvas)}</{outer}>"
        + (f'<div class="bk-hint">{hint}</div>' if hint else "")
        + '<div class="bk-error" role="alert" hidden></div>'
    )


BLOCKS: dict[str, Callable[[Json, str, Canvas], str]] = {
    "section": section,
    "header": header,
    "context": context,
    "divider": divider,
    "actions": actions,
    "image": image,
    "input": input_block,
}


def supported_types() -> dict[str, frozenset[str]]:
    """The block and element types this renderer draws: ``{"blocks": …, "elements": …}``."""
    return {"blocks": frozenset(BLOCKS), "elements": frozenset(ELEMENTS)}


def render_block(block: Any, canvas: Canvas) -> str:
    if not isinstance(block, dict):
        return ""
    kind = str(block.get("type"))
    block_id = str(block.get("block_id", ""))
    draw = BLOCKS.get(kind)
    inner = draw(block, block_id, canvas) if draw else _unsupported("block", kind)
    flags = ""
    if kind == "input":
        flags = f' data-optional="{_flag(block.get("optional"))}"'
        flags += f' data-dispatch="{_flag(block.get("dispatch_action"))}"'
    return (
        f'<div class="bk-block bk-{_attr(kind)}" data-block-id="{_attr(block_id)}"{flags}>'
        f"{inner}</div>"
    )


def render_blocks(blocks: Any, canvas: Canvas | None = None) -> str:
    """A list of blocks as HTML."""
    canvas = canvas or Canvas()
    return "".join(render_block(b, canvas) for b in blocks or [])
