"""Keep the gettext catalogues in step with the code (``make messages``).

Extracts every msgid passed to ``t(...)``, ``t.plural(...)`` or marked ``N_(...)``
in ``bot/``, ``handlers/`` and ``storage/`` with Babel, and updates each
``bot/locale/<lang>/LC_MESSAGES/messages.po`` (new msgids added, gone ones marked
obsolete). ``python -m bot.catalog --check`` exits 1 when a catalogue is behind.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.core.i18n import DOMAIN, LOCALE_DIR

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"t": None, "N_": None, "_": None, "plural": (1, 2)}
LANGUAGES = ("en", "id")


def extract() -> Catalog:
    template = Catalog(project="salespath", domain=DOMAIN)
    for folder in ("bot", "handlers", "storage"):
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            template.add(
                message,
                None,
                [(f"{folder}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return template


def msgids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def update(lang: str, template: Catalog) -> None:
    path = po_path(lang)
    if path.exists():
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        catalog.update(template, no_fuzzy_matching=True)
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale=lang, domain=DOMAIN, project="salespath")
        catalog.update(template, no_fuzzy_matching=True)
    catalog.fuzzy = False
    with path.open("wb") as fh:
        write_po(
            fh,
            catalog,
            width=100,
            omit_header=False,
            sort_output=True,
            ignore_obsolete=True,
            include_lineno=False,
        )


def behind(lang: str, template: Catalog) -> set[str]:
    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    return msgids(template) - msgids(catalog)


def main(argv: list[str]) -> int:
    template = extract()
    if "--check" in argv:
        missing = {lang: behind(lang, template) for lang in LANGUAGES}
        for lang, ids in missing.items():
            for msgid in sorted(ids):
                print(f"{lang}: missing {msgid!r}")
        return 1 if any(missing.values()) else 0
    for lang in LANGUAGES:
        update(lang, template)
    print(f"{len(template)} messages; updated {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
