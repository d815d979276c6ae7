"""Equivalent mutants of bot/core: changes mutmut makes that no test can notice, because the
program behaves the same. Each entry is (module, mutant, a line the mutant writes, why);
``tools.mutate`` checks the line against the mutant's diff, so an entry goes stale (and stops
counting) when the code it describes changes. docs/TESTING.md explains how to add one.
"""

from __future__ import annotations

_SAME_EXPONENT = "quantize() only uses the exponent of its argument, and 2 has the same as 1"
_EN_ANYWAY = "an unknown or upper-case locale name ends up as English all the same"
_LATER = "only read after the first value, source or owner has set it"
_KIND = "the name check only asks whether a token's kind is 'name' or 'neutral'"
_UNMARKED = "an unmarked token keeps the kind '', which the name check treats like a value"
_UNIQUE = (
    "the first three items end with the candidate's id, so no two entries tie on them: "
    "sorting by more, by the whole tuple or by them is the same"
)
_PRUNE = (
    "cutting the list to the best five is only a shortcut; the best five of all close "
    "names come out the same"
)
_DP = (
    "no difference in any pair of words up to 4 letters (tests/core/test_matching.py) nor in "
    "60 000 random pairs up to 8; "
)
_READ_ONCE = (
    "an entity is read when the loop reaches it and spans only look ahead: nothing consults "
    "its flags afterwards"
)

MUTANTS_EQUIVALENT: list[tuple[str, str, str, str]] = [
    # --- money
    (
        "money",
        "x__read_number__mutmut_4",
        'if num[-1] in "XX.,XX":',
        r"the number matched \d[\d.,]*: its last character is a digit, a dot or a comma",
    ),
    (
        "money",
        "x__read_number__mutmut_100",
        'short = frac.rstrip("XX0XX")',
        "the decimals are digits only, so only the zeros are stripped either way",
    ),
    (
        "money",
        "x__unsupported_code__mutmut_14",
        'code = (match.group(group) or "XXXX").upper()',
        "a missing code becomes XXXX instead of nothing; neither is a currency",
    ),
    ("money", "x_parse_amount__mutmut_124", "quantum = Decimal(2).scaleb(-places)", _SAME_EXPONENT),
    (
        "money",
        "xǁMoneyǁfrom_cents__mutmut_4",
        "quantum = Decimal(2).scaleb(-currency_places(currency))",
        _SAME_EXPONENT,
    ),
    (
        "money",
        "x_format_money__mutmut_21",
        "amount = money.amount.quantize(Decimal(2).scaleb(-places), rounding=ROUND_HALF_UP)",
        _SAME_EXPONENT,
    ),
    (
        "money",
        "x__language__mutmut_9",
        'lang = (locale or "XXenXX").replace("-", "_").split("_")[0].lower()',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x__language__mutmut_10",
        'lang = (locale or "EN").replace("-", "_").split("_")[0].lower()',
        _EN_ANYWAY,
    ),
    ("money", "x__language__mutmut_17", 'return "EN"', _EN_ANYWAY),
    (
        "money",
        "x_format_money__mutmut_1",
        'def format_money(money: Money, locale: str = "XXenXX") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money__mutmut_2",
        'def format_money(money: Money, locale: str = "EN") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money__mutmut_7",
        'lang = "ID" if money.currency == "IDR" else _language(locale)',
        "Babel reads locale names in any case",
    ),
    (
        "money",
        "x_format_money__mutmut_41",
        "amount, money.currency, format=whole_pattern, locale=lang, currency_digits=None",
        "Babel only tests currency_digits for truth: None acts as False",
    ),
    (
        "money",
        "x_format_money_short__mutmut_1",
        'def format_money_short(money: Money, locale: str = "XXenXX") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money_short__mutmut_2",
        'def format_money_short(money: Money, locale: str = "EN") -> str:',
        _EN_ANYWAY,
    ),
    (
        "money",
        "x_format_money_short__mutmut_32",
        "if size.scaleb(-exp).quantize(tenth, None) >= 1",
        "the context's half-even rounding differs from half-up only on ties, and the one tie "
        "that decides ≥ 1, 0.95, both round to 1.0",
    ),
    (
        "money",
        "x_format_money_short__mutmut_34",
        "if size.scaleb(-exp).quantize(tenth, ) >= 1",
        "the default rounding is half-even: as above",
    ),
    (
        "money",
        "x_format_money_short__mutmut_70",
        'sign = "-" if money.amount <= 0 else ""',
        "amounts under a thousand (zero among them) were written in full before this line",
    ),
    (
        "money",
        "x_format_money_short__mutmut_71",
        'sign = "-" if money.amount < 1 else ""',
        "amounts under a thousand were written in full before this line",
    ),
    # --- quickadd
    (
        "quickadd",
        "x__tokenize__mutmut_23",
        "end = next((j for j in range(i + 1, n) if text[j] in _QUOTES), -2)",
        "-1 and -2 both mean 'no closing quote': only end < 0 is asked",
    ),
    (
        "quickadd",
        "x__tokenize__mutmut_24",
        "if end <= 0:",
        "a closing quote comes after the opening one, so end is never 0",
    ),
    (
        "quickadd",
        "x__tokenize__mutmut_25",
        "if end < 1:",
        "a closing quote comes after the opening one, so end is never 0",
    ),
    ("quickadd", "x__read_entity__mutmut_29", "token.entity = None", _READ_ONCE),
    ("quickadd", "x__read_entity__mutmut_30", "token.entity = True", _READ_ONCE),
    (
        "quickadd",
        "x__read_entity__mutmut_31",
        "token.quoted = None  # its words are name words, whatever they look like",
        _READ_ONCE,
    ),
    (
        "quickadd",
        "x__read_entity__mutmut_32",
        "token.quoted = False  # its words are name words, whatever they look like",
        _READ_ONCE,
    ),
    (
        "quickadd",
        "x__source_span__mutmut_11",
        "for length in range(min(MAX_ALIAS_WORDS, len(tokens) + i), 0, -1):",
        "a window past the last token is cut to the same words by the slice, and a span past "
        "the end stops the loop just as the exact one does",
    ),
    (
        "quickadd",
        "x__source_span__mutmut_29",
        "return 1, None",
        "the caller reads the span only when a source was found",
    ),
    ("quickadd", "x_parse_quick_add__mutmut_6", "value_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_7", 'value_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_9", "source_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_10", 'source_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_12", "owner_words = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_13", 'owner_words = "XXXX"', _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_14", "source_at = None", _LATER),
    ("quickadd", "x_parse_quick_add__mutmut_15", "source_at = 1", _LATER),
    (
        "quickadd",
        "x_parse_quick_add__mutmut_50",
        'owner_id, owner_words, token.kind = mentioned, token.raw, "XXownerXX"',
        _KIND,
    ),
    (
        "quickadd",
        "x_parse_quick_add__mutmut_51",
        'owner_id, owner_words, token.kind = mentioned, token.raw, "OWNER"',
        _KIND,
    ),
    ("quickadd", "x_parse_quick_add__mutmut_121", "for t in tokens[i : i - span]:", _UNMARKED),
    ("quickadd", "x_parse_quick_add__mutmut_122", "t.kind = None", _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_123", 't.kind = "XXvalueXX"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_124", 't.kind = "VALUE"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_164", "for t in tokens[i : i - span]:", _UNMARKED),
    ("quickadd", "x_parse_quick_add__mutmut_165", "t.kind = None", _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_166", 't.kind = "XXsourceXX"', _KIND),
    ("quickadd", "x_parse_quick_add__mutmut_167", 't.kind = "SOURCE"', _KIND),
    (
        "quickadd",
        "x__name__mutmut_36",
        "resume = next(i for i in at if i >= gap)",
        "the gap is a token that is not a name, so no name index equals it",
    ),
    (
        "quickadd",
        "x__name__mutmut_39",
        "None,",
        "the default end only slices tokens[resume:end], and None slices to the end too",
    ),
    # --- matching
    (
        "matching",
        "x_match_names__mutmut_38",
        "or k.lead.startswith(q.lead) and k.full_compact.startswith(q.full_compact)",
        "a name whose lead starts with the query's lead also does without spaces (the last test)",
    ),
    (
        "matching",
        "x_match_names__mutmut_39",
        "k.full.startswith(q.full) and k.lead.startswith(q.lead)",
        "a name that starts with the query also does without spaces (the third test)",
    ),
    (
        "matching",
        "x_match_names__mutmut_49",
        'elif word_start in "XX XX" + k.full:',
        "a query found at the very start of the name was a prefix match already; later word "
        "starts are found the same",
    ),
    (
        "matching",
        "x_match_names__mutmut_51",
        "ranked.append((2, len(k.core), _order(c), c))",
        "only the order of the ranks 0 and 1 matters",
    ),
    (
        "matching",
        "x_match_names__mutmut_57",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, key=None)])",
        _UNIQUE,
    ),
    (
        "matching",
        "x_match_names__mutmut_59",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, )])",
        _UNIQUE,
    ),
    (
        "matching",
        "x_match_names__mutmut_61",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, key=lambda r: r[:4])])",
        _UNIQUE,
    ),
    (
        "matching",
        "x_match_names__mutmut_88",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, key=None)])",
        _UNIQUE,
    ),
    (
        "matching",
        "x_match_names__mutmut_90",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, )])",
        _UNIQUE,
    ),
    (
        "matching",
        "x_match_names__mutmut_92",
        "return MatchResult(matches=[r[-1] for r in sorted(ranked, key=lambda r: r[:4])])",
        _UNIQUE,
    ),
    (
        "matching",
        "x__closest__mutmut_4",
        "matchers[text] = difflib.SequenceMatcher(autojunk=None)",
        "difflib only tests autojunk for truth: None acts as False",
    ),
    (
        "matching",
        "x__closest__mutmut_13",
        "for qt, text in pairs if (pairs[0] != pairs[1]) or True else pairs[:1]:",
        "comparing the same pair twice gives the same best score",
    ),
    (
        "matching",
        "x__closest__mutmut_17",
        "for qt, text in pairs if pairs[0] != pairs[1] else pairs[:2]:",
        "pairs has two items: pairs[:2] is pairs, and the same pair twice scores the same",
    ),
    (
        "matching",
        "x__closest__mutmut_25",
        "if sm.real_quick_ratio() >= floor or sm.quick_ratio() >= floor:",
        "the quick ratios are upper bounds of ratio(): computing it more often never lets a "
        "name under the floor in",
    ),
    ("matching", "x__closest__mutmut_37", "if len(scored) >= 4 * MAX_SUGGESTIONS:", _PRUNE),
    ("matching", "x__closest__mutmut_39", "if len(scored) > 5 * MAX_SUGGESTIONS:", _PRUNE),
    ("matching", "x__closest__mutmut_40", "scored.sort(key=None)", _UNIQUE),
    ("matching", "x__closest__mutmut_42", "scored.sort(key=lambda s: s[:4])", _UNIQUE),
    (
        "matching",
        "x__closest__mutmut_44",
        "bar = +scored[-1][0]",
        "a negative bar lets every later name be scored, but the best five still win, and the "
        "first five kept were all above the cutoff",
    ),
    ("matching", "x__closest__mutmut_48", "scored.sort(key=None)", _UNIQUE),
    ("matching", "x__closest__mutmut_50", "scored.sort(key=lambda s: s[:4])", _UNIQUE),
    (
        "matching",
        "x_lookup_term__mutmut_10",
        "depth = max((len(tiers) for _, tiers in entries), default=1)",
        "with no entries a tier loop of one finds nothing, as one of none does",
    ),
    (
        "matching",
        "x_split_command__mutmut_15",
        "end = next((i for i, ch in enumerate(text) if i and ch in _CLOSING_QUOTES[text[0]]), -2)",
        "-1 and -2 both mean 'no closing quote': only end > 0 is asked",
    ),
    (
        "matching",
        "x_split_command__mutmut_16",
        "if end >= 0:",
        "a closing quote is looked for after the opening one (i > 0), so end is never 0",
    ),
    (
        "matching",
        "x_split_command__mutmut_27",
        'head, *tail = after.split(maxsplit=1) or ["XXXX"]',
        "an empty head and XXXX are both no keyword (keywords are words like to, won, lost)",
    ),
    (
        "matching",
        "x_split_command__mutmut_43",
        "if m.start() > 1 and word in by_fold:",
        "the text is stripped, so a word after the first starts at 2 or later",
    ),
    # the banded distance: checked by tests/core/test_matching.py and a random comparison
    (
        "matching",
        "x__distance_within__mutmut_39",
        "if not la and not lb:",
        _DP + "with one side empty the table gives the other's length too, and the letter-"
        "set test and the length test above already refused what is over the limit",
    ),
    (
        "matching",
        "x__distance_within__mutmut_43",
        "return max(la, lb) if (max(la, lb) <= limit) or True else None",
        _DP + "trimming keeps the length difference, which was checked against the limit "
        "above: with one side empty it is the length",
    ),
    (
        "matching",
        "x__distance_within__mutmut_55",
        "if len(set(a) ^ set(b)) > 3 * limit:",
        _DP + "a looser early exit: the table refuses the rest",
    ),
    (
        "matching",
        "x__distance_within__mutmut_58",
        "over = limit + 2",
        _DP + "any value over the limit stands for 'too far'; only <= limit is asked",
    ),
    (
        "matching",
        "x__distance_within__mutmut_59",
        "before: list[int] = None",
        _DP + "the row before the previous is read only from the second row on, when it is "
        "a real row",
    ),
    (
        "matching",
        "x__distance_within__mutmut_62",
        "prev = [j if (j <= limit) or True else over for j in range(lb + 1)]",
        _DP + "a first-row cell over the limit only feeds cells that are over the limit too",
    ),
    (
        "matching",
        "x__distance_within__mutmut_63",
        "prev = [j if j < limit else over for j in range(lb + 1)]",
        _DP + "a path through the cell (0, limit) ends at limit only if a is the end of b, "
        "which the common suffix trimming already removed",
    ),
    (
        "matching",
        "x__distance_within__mutmut_66",
        "prev = [j if j <= limit else over for j in range(lb + 2)]",
        _DP + "the extra first-row cell is never read",
    ),
    (
        "matching",
        "x__distance_within__mutmut_80",
        "cur = [i if (i <= limit) or True else over] + [over] * lb",
        _DP + "a first-column cell over the limit only feeds cells that are over the limit too",
    ),
    (
        "matching",
        "x__distance_within__mutmut_81",
        "cur = [i if i < limit else over] + [over] * lb",
        _DP + "a path through the cell (limit, 0) ends at limit only if b is the end of a, "
        "which the common suffix trimming already removed",
    ),
    (
        "matching",
        "x__distance_within__mutmut_84",
        "row_min = cur[1]",
        _DP + "cur[1] starts as over and the loop lowers row_min to the row's real minimum "
        "but for cur[0], which cannot lead back under the limit after the trimming",
    ),
    (
        "matching",
        "x__distance_within__mutmut_127",
        "if i > 1 and j >= 1 and ca == b[j - 2] and a[i - 2] == cb:",
        _DP + "for j = 1 this compares with b[-1]; the common-prefix trimming and the band "
        "keep that spurious transposition from lowering any cell that matters",
    ),
    (
        "matching",
        "x__distance_within__mutmut_146",
        "cur[j] = v if (v < over) or True else over",
        _DP + "values over the limit stay over it either way",
    ),
    (
        "matching",
        "x__distance_within__mutmut_147",
        "cur[j] = v if v <= over else over",
        _DP + "v == over stores over either way",
    ),
    (
        "matching",
        "x__distance_within__mutmut_148",
        "if v <= row_min:",
        _DP + "the same minimum",
    ),
    (
        "matching",
        "x__closest__mutmut_47",
        "bar = -scored[-1][1]",
        "a negative bar (minus a length) lets every later name be scored, but the best five "
        "still win, as for mutant 44",
    ),
    # --- stages
    (
        "stages",
        "x__aliases__mutmut_23",
        'return _DEFAULT_ALIASES.get(getattr(stage, "key", None) or "XXXX", ())',
        "no default stage has the key '' or 'XXXX': both give no aliases",
    ),
    # --- checklists
    (
        "checklists",
        "x_money_json__mutmut_9",
        'return {"amount": format(money.amount.normalize(), "F"), "currency": money.currency}',
        "'F' differs from 'f' only in writing INF and NAN, which Money never holds",
    ),
    (
        "checklists",
        "x_read_batna__mutmut_73",
        "if not errors and completion(None, data).filled == 0:",
        "completion() counts every kind but SPIN as BATNA",
    ),
    (
        "checklists",
        "x_read_meeting__mutmut_45",
        "attendees: list[Attendee] = None",
        "it is replaced by the parsed list, or the meeting has an error and no log is made",
    ),
    # --- gates
    (
        "gates",
        "x_parse_choice__mutmut_6",
        'checklist, _, mode = value.rpartition(":")',
        "with one colon both split the same; with none or several, either side is then no "
        "checklist or no mode, and the same error follows",
    ),
    # --- slots
    (
        "slots",
        "x_parse_timezone__mutmut_37",
        'if _OFFSET_RE.match(low) and any(c.isdigit() for c in low) and low[:1] in "XX+-ugXX":',
        "the offset pattern only matches text starting with utc, gmt, + or -, and the text is "
        "lower case: never X",
    ),
    (
        "slots",
        "x_parse_timezone__mutmut_58",
        "close = difflib.get_close_matches(low, list(_zones()), cutoff=0.6)",
        "3 is difflib's default n",
    ),
    (
        "slots",
        "x_parse_timezone__mutmut_59",
        "close = difflib.get_close_matches(low, list(_zones()), n=3, )",
        "0.6 is difflib's default cutoff",
    ),
    (
        "slots",
        "x_parse_days__mutmut_4",
        'low = token.strip().lower().strip("XX,XX")',
        "the text is lower case: an upper-case X is never there to strip",
    ),
    (
        "slots",
        "x_parse_days__mutmut_45",
        "days.append(_day(ends[0], None))",
        "every part was checked to start with a day before: this _day() never refuses",
    ),
    (
        "slots",
        "x_parse_days__mutmut_55",
        "a, b = DAYS.index(_day(ends[0], None)), DAYS.index(_day(ends[1], token))",
        "every part was checked to start with a day before: this _day() never refuses",
    ),
    (
        "slots",
        "x_parse_days__mutmut_83",
        "span = range(a, b + 1) if a <= b else [*range(a, 7), *range(b + 1)]",
        "range(b + 1) is range(0, b + 1)",
    ),
    (
        "slots",
        "x_parse_schedule__mutmut_31",
        "low = token.lower().strip(None)",
        "commas became spaces before the text was split: a token has neither",
    ),
    (
        "slots",
        "x_parse_schedule__mutmut_33",
        'low = token.lower().strip("XX,XX")',
        "the token is lower case and has no comma (commas became spaces)",
    ),
    (
        "slots",
        "x_repeated_local_time__mutmut_3",
        "return local.fold == 1 or local.replace(fold=0).utcoffset() != local.utcoffset()",
        "astimezone() sets fold=1 only on the second occurrence of a repeated time, where the "
        "offsets differ; with fold=0 the two offsets are the same",
    ),
    (
        "slots",
        "x_slots__mutmut_5",
        "fire = trigger.get_next_fire_time(None, start.astimezone(None))",
        "the same instant in the machine's zone: the trigger compares instants",
    ),
    (
        "slots",
        "x_slots__mutmut_22",
        "fire = trigger.get_next_fire_time(None, at + timedelta(microseconds=2))",
        "cron fire times fall on whole minutes: nothing lies 1 or 2 µs after one",
    ),
    # --- deals
    (
        "deals",
        "x_plan_move__mutmut_8",
        'kw = (keyword or "XXXX").lower()',
        "no keyword and xxxx both fall to the last branch: the next stage",
    ),
    (
        "deals",
        "x_plan_move__mutmut_112",
        "status=Msg(STATUS_LABELS.get(None, deal.status)),",
        "each status's label is its own word as msgid (N_('won') for 'won'): the stored status "
        "translates the same",
    ),
    # --- metrics
    (
        "metrics",
        "x_period_bounds__mutmut_42",
        "return Period(key, start.astimezone(None), now)",
        "the same instant in the machine's zone; aware datetimes compare by instant",
    ),
]
