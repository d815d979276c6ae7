"""Equivalent mutants of bot/core: changes mutmut makes that no test can notice, because the
program behaves the same. The entries are data, in ``equivalent.toml`` beside this file: under
its module, each names the mutant, a line the mutant writes and why it is harmless (``why``, or
``shared``: the key of a why several entries share, in ``[shared]``). ``tools.mutate`` checks
the line against the mutant's diff, so an entry goes stale (and stops counting) when the code
it describes changes. docs/TESTING.md explains how to add one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

TABLE = Path(__file__).with_suffix(".toml")


def load(path: Path = TABLE) -> list[tuple[str, str, str, str]]:
    """Every entry as (module, mutant, line, why), in the file's order."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    shared = data.pop("shared", {})
    return [
        (module, x["mutant"], x["line"], x["why"] if "why" in x else shared[x["shared"]])
        for module, entries in data.items()
        for x in entries
    ]


MUTANTS_EQUIVALENT = load()
