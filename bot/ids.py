"""Every Slack identifier the app uses: commands, callback ids, action ids, block ids.

The Block Kit builders and the handlers import these names, so a typo is an
ImportError rather than a button that silently does nothing.
"""

# Slash commands (names exactly as in manifest.yml).
CMD_PROSPECT = "/prospect"
CMD_ADVANCE = "/advance"
CMD_SPIN = "/spin"
CMD_BATNA = "/batna"
CMD_PIPELINE = "/pipeline"
CMD_DIGEST = "/digest"
COMMANDS = (CMD_PROSPECT, CMD_ADVANCE, CMD_SPIN, CMD_BATNA, CMD_PIPELINE, CMD_DIGEST)

# Shortcuts (callback ids as in manifest.yml).
SHORTCUT_LOG_MEETING = "log_meeting"
SHORTCUT_ADD_TO_DEAL = "add_to_deal"

# Modal callback ids.
VIEW_NEW_DEAL = "deal_modal"
VIEW_STAGES = "stages_modal"

# Action ids.
ACTION_EDIT_DEAL = "deal_edit"
ACTION_ADVANCE_DEAL = "deal_advance"
ACTION_LOG_MEETING = "deal_log_meeting"
ACTION_OPEN_CARD = "deal_open_card"
ACTION_HOME_DEAL = "home_deal_menu"  # Home tab: a deal's ⋯ menu (open card / advance)
ACTION_CONFIRM_CREATE = "deal_confirm_create"
ACTION_CANCEL = "cancel"
ACTION_PICK_DEAL = "deal_pick"
ACTION_CONFIRM_MOVE = "move_confirm"

# Block ids / action ids for modal inputs.
BLOCK_NAME = "name"
BLOCK_VALUE = "value"
BLOCK_CURRENCY = "currency"
BLOCK_SOURCE = "source"
BLOCK_OWNER = "owner"
BLOCK_CONTACT_NAME = "contact_name"
BLOCK_CONTACT_ROLE = "contact_role"
BLOCK_CLOSE_DATE = "close_date"
BLOCK_NEXT_STEP = "next_step"
BLOCK_NEXT_STEP_DUE = "next_step_due"
BLOCK_PROBABILITY = "probability"
INPUT = "input"  # action_id of the single element inside an input block
ACTION_EDIT_STAGES = "stages_edit"
ACTION_STAGES_PREV = "stages_page_prev"  # the stage editor's page buttons
ACTION_STAGES_NEXT = "stages_page_next"
BLOCK_STAGES_PAGES = "stages_pages"

# --- checklists, meeting logs, notes (issue 4: append below) ---------------------------
VIEW_SPIN = "spin_modal"
VIEW_BATNA = "batna_modal"
VIEW_MEETING = "meeting_modal"
VIEW_NOTE = "note_modal"
VIEW_GATES = "gates_modal"
VIEW_NOTICE = "notice_modal"  # nothing to submit: loading, or a problem to read
ACTION_OPEN_SPIN = "checklist_open_spin"  # on cards, gate warnings, the meeting modal (push)
ACTION_OPEN_BATNA = "checklist_open_batna"
ACTION_SPIN_AWARENESS = "spin_awareness"  # the awareness select dispatches: hint the variant
ACTION_SPIN_MODE = "spin_mode"  # switch between SPIN and direct questions
ACTION_PICK_CHECKLIST_DEAL = "checklist_pick"  # + "_<n>": a deal for /spin or /batna
ACTION_GATE_MOVE_ANYWAY = "gate_move_anyway"
ACTION_EDIT_GATES = "gates_edit"
ACTION_DEAL_SEARCH = "deal_search"  # external_select: type-ahead over deals
BLOCK_DEAL = "deal"
BLOCK_MEETING_DATE = "date"
BLOCK_ATTENDEES = "attendees"
BLOCK_NOTES = "notes"
BLOCK_OUTCOME = "outcome"
BLOCK_STAGE_MOVE = "stage"
BLOCK_AWARENESS = "awareness"  # checklist answers use bot.core.checklists field keys as block ids
BLOCK_GATE_PREFIX = "gate_"  # + stage id
BLOCK_MOVE_CONFIRM = "stage_confirm"  # the meeting log's ticks that let its stage move through
#: The buttons that page through a deal's checklist history (``_<kind>_older``,
#: ``_<kind>_newer``, ``_<kind>_all``); the value carries the deal, the kind and the page.
ACTION_HISTORY_PAGE = "checklist_history"

# --- digest, reminders, stats, export (issue 5: append below) --------------------------
ACTION_NUDGE = "digest_nudge"  # value: {"deal": id, "why": "stale" | "overdue"}
ACTION_DIGEST_CARD = "digest_card"  # + "_<n>": a deal name button that opens its card
ACTION_SNOOZE = "deal_snooze"  # value: deal id; opens VIEW_SNOOZE
VIEW_SNOOZE = "snooze_modal"
BLOCK_SNOOZE_REASON = "snooze_reason"
BLOCK_SNOOZE_UNTIL = "snooze_until"

# --- many workspaces (OAuth), uninstall (issue 12, item 5: append below) ----------------
#: The bot scopes the app asks for when a workspace installs it (as in manifest.yml).
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "users:read",
    "files:write",
    "channels:read",
    "groups:read",
    "channels:history",  # a digest whose post went unanswered is looked for (docs/DIGEST.md)
    "groups:history",
    "files:read",  # a CSV uploaded to /pipeline import (issue 15)
    "users:read.email",  # an imported deal's owner by email (issue 15)
)
EVENT_APP_UNINSTALLED = "app_uninstalled"
EVENT_TOKENS_REVOKED = "tokens_revoked"

# --- languages, the workspace's settings, ambiguous amounts (issue 11) -----------------
ACTION_PICK_AMOUNT = "amount_pick"  # + "_<n>": a reading of an ambiguous m/M, after /prospect
ACTION_LANGUAGE = "language_pick"  # the Home tab's language menu (value: "id" | "en")
ACTION_OPEN_SETTINGS = "settings_open"  # the Home tab's "Workspace settings" (managers)
VIEW_SETTINGS = "settings_modal"  # /pipeline settings: default language and currency
BLOCK_LANGUAGE = "language"

# --- faults, replays, hostile input (issue 13: append below) ----------------------------
ACTION_RETRY_REQUEST = "request_retry"  # value: sealed {kind, request, key}: run it again
ACTION_CONFIRM_SHARED_DIGEST = "digest_confirm_shared"  # a manager confirms a shared channel

# --- the sales path at the moment it matters (issue 14: append below) ------------------
ACTION_UNDO_MOVE = "move_undo"  # value: {"d": deal id, "m": move id}
ACTION_WON_TECHNIQUE = "won_technique"  # + "_<key>": value {"d": deal id, "t": technique}
ACTION_WON_VALUE = "won_value"  # value: deal id; opens VIEW_WON_VALUE
VIEW_WON_VALUE = "won_value_modal"
BLOCK_WON_VALUE = "won_value"
ACTION_WIN_BACK = "win_back"  # value: deal id; opens VIEW_WIN_BACK
VIEW_WIN_BACK = "win_back_modal"
BLOCK_WIN_BACK_ON = "win_back_on"
ACTION_REOPEN = "win_back_reopen"  # value: deal id: re-open a lost deal from its reminder
ACTION_KEEP_SAFE = "keep_safe"  # value: deal id: Keep is safe, start a Grow deal
ACTION_KEEP_NOT_YET = "keep_not_yet"  # value: deal id: ask again in two weeks
ACTION_START_GROW = "grow_start"  # value: won deal id: the new-deal form for a Grow deal
ACTION_HOME_VIEW = "home_view"  # value: "mine" | "team" (managers' Home tab)
ACTION_DIGEST_ALL = "digest_see_all"  # value: {"w": "stale" | "overdue", "o": [owners]}
ACTION_CURRENCY_PICK = "quickadd_currency"  # + "_<n>": value: the quick-add text to run
ACTION_OPEN_APPROACH = "checklist_open_approach"
ACTION_OPEN_FAB = "checklist_open_fab"
VIEW_APPROACH = "approach_modal"
VIEW_FAB = "fab_modal"

# --- forecast and targets, who sees the team (issue 15, items 2 and 6) -------------------
ACTION_OPEN_TARGETS = "targets_open"  # the settings modal's "Targets" button: pushes VIEW_TARGETS
VIEW_TARGETS = "targets_modal"  # a rep's target for a month or a quarter
BLOCK_TARGET_REP = "target_rep"
BLOCK_TARGET_PERIOD = "target_period"  # value: a span key, 2027-Q1 or 2027-03
BLOCK_TEAM_VIEW = "team_view"  # the settings modal: who may see the team's figures
# --- running a real team: import (issue 15, item 1: append below) ----------------------
VIEW_IMPORT = "import_modal"  # /pipeline import: paste or upload a CSV
VIEW_IMPORT_MAP = "import_map_modal"  # which column is which field
VIEW_IMPORT_PREVIEW = "import_preview_modal"  # what will be written; submit to import
BLOCK_IMPORT_FILE = "import_file"
BLOCK_IMPORT_TEXT = "import_text"
BLOCK_IMPORT_FIELD = "import_field_"  # + a field key (bot.core.imports.FIELDS)
# --- people who leave or join, notification preferences, data rights (issue 15: 4, 7, 8) ---
EVENT_USER_CHANGE = "user_change"  # a member deactivated (user.deleted) or back
ACTION_REASSIGN_CONFIRM = "reassign_confirm"  # value: sealed {f, t, o, h}: apply the preview
ACTION_REASSIGN_CANCEL = "reassign_cancel"
ACTION_REASSIGN_TO = "reassign_to"  # + "_<user id>": the Home tab's "Reassign to…" picker
ACTION_OPEN_NOTIFY = "notify_open"  # the Home tab's "Notifications" button
VIEW_NOTIFY = "notify_modal"
BLOCK_NOTIFY_DAYS = "reminder_days"  # the same names as bot.core.notify's fields
BLOCK_NOTIFY_AT = "reminder_at"
BLOCK_NOTIFY_OPTIONS = "notify_options"  # quiet weekends, nudges, stale alerts (checkboxes)
# --- changes on record, deleting and merging deals (issue 15, items 3 and 5) -----------
ACTION_CARD_MENU = "deal_card_menu"  # the card's ⋯ menu: "delete:<id>" | "merge:<id>"
ACTION_CONFIRM_DELETE = "deal_delete_confirm"  # value: deal id
ACTION_UNDO_DELETE = "deal_delete_undo"  # value: deal id
ACTION_MERGE_PICK = "deal_merge_pick"  # external_select in BLOCK_MERGE_INTO_<merged id>
ACTION_CONFIRM_MERGE = "deal_merge_confirm"  # value: "<merged id>:<survivor id>"
BLOCK_MERGE_INTO = "merge_into"  # + "_<merged id>": the deal to merge into
