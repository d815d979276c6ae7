"""Mutation testing of the domain modules (`make mutate`): mutmut, one module at a time.

    python -m tools.mutate                 # every module in MODULES, from a fresh mutants/
    python -m tools.mutate money slots     # just these
    python -m tools.mutate --keep money    # reuse mutants/ (faster while writing tests)
    python -m tools.mutate --survivors money   # also print the diff of each surviving mutant

mutmut reads its settings from the [mutmut] section of setup.cfg (which code is mutated, which
tests run). The score of a module is killed ÷ generated, where a mutant that timed out counts as
killed (the tests noticed it). A mutant listed in EQUIVALENT cannot change behaviour; it is shown
apart and the second score leaves it out. An entry names the mutant and the line it writes, so an
entry that no longer matches (the source moved on) is reported as stale and not counted.
Exits 1 when a module scores below THRESHOLD (equivalent mutants left out).

Written here rather than with mutmut's own summary because mutmut totals every mutated file at
once and knows nothing of equivalent mutants.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tools.equivalent import MUTANTS_EQUIVALENT

# A bare name is a module of bot/core; the metrics' SQL half lives in storage.
MODULES = [
    "money",
    "quickadd",
    "stages",
    "matching",
    "checklists",
    "slots",
    "reasons",
    "sources",
    "gates",
    "deals",
    "metrics",
    "notify",
    "removal",
    "aftersales",
    "forecast",
    "imports",
    "storage.metrics",
]
THRESHOLD = 90.0
MUTANTS = Path("mutants")
MUTMUT = str(Path(sys.executable).with_name("mutmut"))

KILLED = {1, 3, 24, -24, 36, 152, 255}  # mutmut: test failure, pytest error, timeout
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Score:
    module: str
    generated: int = 0
    killed: int = 0
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)

    @property
    def raw(self) -> float:
        return 100.0 * self.killed / self.generated if self.generated else 100.0

    @property
    def net(self) -> float:
        counted = self.generated - len(self.equivalent)
        return 100.0 * self.killed / counted if counted else 100.0


def diff_of(mutant: str) -> str:
    shown = subprocess.run([MUTMUT, "show", mutant], capture_output=True, text=True, check=False)
    return shown.stdout


def is_equivalent(mutant: str) -> bool:
    """Whether the mutant's diff still writes the entry's line; an entry line that starts with
    "-" names a line the mutant only removes."""
    line = EQUIVALENT[mutant][0].strip()
    rows = [r for r in diff_of(mutant).splitlines() if not r.startswith(("+++", "---"))]
    sign, line = (line[0], line[1:].strip()) if line.startswith("-") else ("+", line)
    return line in [r[1:].strip() for r in rows if r.startswith(sign)]


def dotted(module: str) -> str:
    return module if "." in module else f"bot.core.{module}"


def source_of(module: str) -> Path:
    return Path(*dotted(module).split(".")).with_suffix(".py")


EQUIVALENT = {f"{dotted(m)}.{name}": (line, why) for m, name, line, why in MUTANTS_EQUIVALENT}


def score(module: str) -> Score:
    meta = json.loads((MUTANTS / f"{source_of(module)}.meta").read_text())
    result = Score(module)
    for name, code in meta["exit_code_by_key"].items():
        result.generated += 1
        if code in KILLED:
            result.killed += 1
        elif name in EQUIVALENT and code in SURVIVED | NO_TESTS:
            (result.equivalent if is_equivalent(name) else result.stale).append(name)
            if name in result.stale:
                result.survived.append(name)
        elif code in SURVIVED:
            result.survived.append(name)
        elif code in NO_TESTS:
            result.no_tests.append(name)
        else:
            result.other.append(f"{name} (exit {code})")
    return result


def run(module: str) -> None:
    print(f"--- mutmut: {source_of(module)}", flush=True)
    log = MUTANTS / f"{module}.log"
    MUTANTS.mkdir(exist_ok=True)
    with log.open("w") as out:
        done = subprocess.run([MUTMUT, "run", f"{dotted(module)}.*"], stdout=out, stderr=out)
    if done.returncode != 0:
        sys.exit(f"mutmut failed on {module} (exit {done.returncode}); see {log}")


def report(scores: list[Score], survivors: bool) -> None:
    print()
    print(f"{'module':<12}{'killed':>8}{'generated':>11}{'score':>8}{'equiv.':>8}{'net':>8}")
    for s in scores:
        print(
            f"{s.module:<12}{s.killed:>8}{s.generated:>11}{s.raw:>7.1f}%"
            f"{len(s.equivalent):>8}{s.net:>7.1f}%"
        )
    for s in scores:
        for title, names in [
            ("survived", s.survived),
            ("no tests", s.no_tests),
            ("other", s.other),
            ("stale equivalent entry", s.stale),
        ]:
            for name in names:
                print(f"  {title}: {name}")
                if survivors and title != "other":
                    print(diff_of(name.split(" ")[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", default=MODULES, help="bot/core module names")
    parser.add_argument("--keep", action="store_true", help="reuse mutants/ from the last run")
    parser.add_argument("--survivors", action="store_true", help="print each survivor's diff")
    parser.add_argument("--report", action="store_true", help="score the last run, run nothing")
    parser.add_argument(
        "--equivalents", action="store_true", help="list the equivalent mutants (Markdown)"
    )
    args = parser.parse_args(argv)
    if args.equivalents:
        for module, name, line, why in MUTANTS_EQUIVALENT:
            cells = [module, f"`{name}`", f"`{line}`", why]
            print("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        return 0
    unknown = [m for m in args.modules if not source_of(m).is_file()]
    if unknown:
        parser.error(f"no such module: {', '.join(unknown)}")
    if not (args.keep or args.report):
        shutil.rmtree(MUTANTS, ignore_errors=True)
    if not args.report:
        for module in args.modules:
            run(module)
    scores = [score(m) for m in args.modules]
    report(scores, args.survivors)
    low = [s.module for s in scores if s.net < THRESHOLD]
    if low:
        print(f"\nbelow {THRESHOLD:.0f}%: {', '.join(low)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
