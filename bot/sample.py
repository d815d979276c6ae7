"""A made-up but realistic pipeline for the playground: about forty deals of the past 90 days
across the sales path, with stage history, SPIN and BATNA versions, meetings and notes, next
steps (some overdue), a quiet deal, a snoozed one, won and lost deals, two currencies, and a
daily digest subscribed in #sales-managers.

Written straight through storage, as if the team had used Salespath for three months; the
random choices are seeded, so every playground starts with the same pipeline."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.core import checklists as cl
from bot.core.deals import Actor
from bot.core.money import Money
from bot.core.stages import LOST, OPEN, WON
from bot.usecases import people
from storage import checklists as checklist_store
from storage import deals as store
from storage import digests as digest_store
from storage import stages as stage_store
from storage import workspaces as workspace_store
from storage.db import Database
from storage.models import Deal, Stage

TEAM = "T1"
REPS = ("U1", "U2", "U3")
INDONESIAN = "U3"  # Dewi prefers Bahasa Indonesia (a choice made in Salespath, not Slack)
MANAGER = "UADMIN"
MANAGERS_CHANNEL = "C2"

COMPANIES = (
    "PT Maju Jaya",
    "Hotel Santika Bandung",
    "Bank BRI Cabang Depok",
    "Toko Sinar Abadi",
    "CV Sumber Rejeki",
    "PT Garuda Logistik",
    "Klinik Sehat Sentosa",
    "PT Nusantara Foods",
    "Rumah Makan Padang Sederhana",
    "PT Indah Kiat",
    "Sekolah Cendekia",
    "PT Mitra Retail",
    "Koperasi Tani Makmur",
    "PT Astra Motor Sunter",
    "Apotek Kimia Farma Dago",
    "Globex Asia",
    "Initech Singapore",
    "PT Telkom Witel Bekasi",
    "Hotel Aston Priority",
    "PT Wings Surya",
    "Universitas Pelita",
    "PT Sido Muncul",
    "Bengkel Jaya Motor",
    "PT Pertamina Retail",
    "Gramedia Matraman",
    "PT Indofood Cikarang",
    "Rumah Sakit Hermina",
    "PT Semen Gresik",
    "Cafe Kopi Kenangan",
    "PT Bukit Asam",
    "Acme Corp",
    "Umbrella Indonesia",
    "PT Kalbe Farma",
    "Toko Bangunan Sentosa",
    "PT Jasa Marga",
    "Vortex Trading",
    "PT Unilever Rungkut",
    "Warung Tegal Bahari",
    "PT Angkasa Pura",
    "Stark Industries SEA",
)
USD_NAMES = {"Globex Asia", "Initech Singapore", "Stark Industries SEA", "Vortex Trading"}
SOURCES = (
    "referral_customer",
    "referral_friend",
    "referral_influence",
    "itch_cycle",
    "idle_account",
    "mass_media",
    "canvassing",
    "inbound",
    "cold_outreach",
)
NEXT_STEPS = (
    "Send the proposal",
    "Call the purchasing manager",
    "Demo for the IT team",
    "Visit the site with the engineer",
    "Follow up on the budget",
    "Send the revised quote",
    "Meet the decision maker",
    "Confirm the contract draft",
)
LOST_REASONS = ("price", "competitor", "no_decision", "need_objection", "product_objection")


@dataclass(frozen=True)
class Plan:
    """One deal: where it ends up (stage key, or won / lost) and when it was created."""

    name: str
    owner: str
    end: str
    age_days: int
    value: Money


def _plans(rng: random.Random, stages: list[Stage]) -> list[Plan]:
    opens = [s.key for s in stages if s.kind == OPEN]
    ends = [*opens * 5, *[WON] * 6, *[LOST] * 4]
    plans = []
    for i, name in enumerate(COMPANIES):
        usd = name in USD_NAMES
        amount = rng.choice((15, 25, 40, 60, 85, 120)) * (1_000 if usd else 1_000_000)
        if not usd and rng.random() < 0.2:
            amount *= 10  # a few big tickets (hundreds of millions of rupiah)
        plans.append(
            Plan(
                name=name,
                owner=REPS[i % len(REPS)] if i % 7 else MANAGER,
                end=ends[i % len(ends)],
                age_days=rng.randint(3, 90),
                value=Money(Decimal(amount), "USD" if usd else "IDR"),
            )
        )
    return plans


def _path(stages: list[Stage], end: str) -> list[Stage]:
    """The stages a deal went through to reach ``end`` (skipping none)."""
    opens = [s for s in stages if s.kind == OPEN]
    if end in (WON, LOST):
        terminal = next(s for s in stages if s.kind == end)
        cut = len(opens) if end == WON else max(2, len(opens) // 2)
        return [*opens[1:cut], terminal]
    target = next(i for i, s in enumerate(opens) if s.key == end)
    return opens[1 : target + 1]


def _deal(s: Session, plan: Plan, stages: list[Stage], now: datetime, rng: random.Random):
    created = now - timedelta(days=plan.age_days, hours=rng.randint(0, 8))
    new = store.NewDeal(
        name=plan.name,
        owner_id=plan.owner,
        value=plan.value,
        source=rng.choice(SOURCES),
        contact_name=rng.choice(("Budi Hartono", "Sari Dewi", "Andi Wijaya", "Rudi Tan")),
        contact_role=rng.choice(("decision_maker", "user_influence", "coach")),
    )
    deal = create_deal(s, new, created)
    path = _path(stages, plan.end)
    step = timedelta(days=plan.age_days / (len(path) + 1))
    for n, stage in enumerate(path, start=1):
        lost = (rng.choice(LOST_REASONS), "Chose a cheaper vendor") if stage.kind == LOST else ()
        move_deal(s, deal, stage, created + step * n, *lost)
    return deal


def _follow_up(s: Session, deal: Deal, now: datetime, today: date, rng: random.Random) -> None:
    """A next step (some overdue), a meeting or two, and SPIN/BATNA on later-stage deals."""
    due = today + timedelta(days=rng.randint(-4, 9))
    changes = store.DealChanges(
        next_step=rng.choice(NEXT_STEPS),
        next_step_due=due,
        expected_close=today + timedelta(days=rng.randint(5, 60)),
    )
    update_deal(s, deal, changes, now - timedelta(days=1))
    for back in sorted(rng.sample(range(2, 20), 2), reverse=True):
        _meeting(s, deal, now - timedelta(days=back), rng)
    stage = stage_store.get_stage(session=s, team_id=TEAM, stage_id=deal.stage_id)
    if stage.position >= 3:
        _spin(s, deal, now - timedelta(days=6), version_two=stage.position >= 4)
    if stage.position >= 5:
        _batna(s, deal, now - timedelta(days=3))


def _meeting(s: Session, deal: Deal, when: datetime, rng: random.Random) -> None:
    checklist_store.add_activity(
        session=s,
        team_id=TEAM,
        deal=deal,
        by=deal.owner_id,
        now=when,
        new=checklist_store.NewActivity(
            kind=checklist_store.MEETING,
            occurred_on=when.date(),
            notes=rng.choice(
                (
                    "Walked through their ordering process; they lose a day on manual approvals.",
                    "Met the finance lead. Budget exists for Q1, needs a clear ROI.",
                    "Demo went well; IT asked about integration with their ERP.",
                    "They compare us with a local vendor, mostly on price.",
                )
            ),
            outcome="Positive",
            attendees=[cl.Attendee("Budi Hartono", "decision_maker")],
        ),
    )


def _spin(s: Session, deal: Deal, when: datetime, *, version_two: bool) -> None:
    answers = {
        cl.AWARENESS: cl.PROBLEM_AWARE,
        "situation_asked": "How do you take orders today?",
        "situation_learned": "By phone and WhatsApp, typed into Excel at night.",
        "problem_asked": "Where does it go wrong?",
        "problem_learned": "Orders get lost at month end; two complaints a week.",
    }
    data, _ = cl.read_spin({**answers, "mode": cl.MODE_SPIN})
    save_checklist(s, deal, cl.SPIN, data, when - timedelta(days=4))
    if version_two:
        more = {
            "implication_asked": "What does a lost order cost you?",
            "implication_learned": "About Rp15 jt a month in refunds and overtime.",
            "need_payoff_asked": "What would same-day confirmation be worth?",
            "need_payoff_learned": "Fewer refunds, and sales can promise delivery dates.",
        }
        data, _ = cl.read_spin({**answers, **more, "mode": cl.MODE_SPIN})
        save_checklist(s, deal, cl.SPIN, data, when)


def _batna(s: Session, deal: Deal, when: datetime) -> None:
    value = deal.value_cents // 100 if deal.value_cents else 50_000_000
    raw = {
        cl.POSSIBLE: f"{deal.currency} {value * 12 // 10}",
        cl.TARGET: f"{deal.currency} {value}",
        cl.CRITICAL: f"{deal.currency} {value * 8 // 10}",
        cl.OUR_ALTERNATIVE: "Offer the 12-month plan to the next two prospects in line.",
        cl.THEIR_ALTERNATIVE: "Stay with spreadsheets another year.",
        cl.DIMENSIONS: "Payment terms, training days, a longer warranty.",
        cl.OBJECTIONS: ["product"],
        cl.RESPONSES: ["feel_felt_found"],
    }
    data, _ = cl.read_batna(raw, default_currency=deal.currency, locale="en")
    save_checklist(s, deal, cl.BATNA, data, when)


def seed(db: Database, *, now: datetime, tz: str = "Asia/Jakarta") -> int:
    """Write the sample pipeline into an empty workspace ``T1``; the number of deals."""
    rng = random.Random(20261130)
    today = now.astimezone(ZoneInfo(tz)).date()
    with db.transaction() as s:
        workspace_store.ensure_workspace(session=s, team_id=TEAM, default_currency="IDR")
        stages = stage_store.list_stages(session=s, team_id=TEAM)
        deals = [_deal(s, plan, stages, now, rng) for plan in _plans(rng, stages)]
        open_deals = [d for d in deals if d.status == OPEN]
        for deal in open_deals[2:]:
            _follow_up(s, deal, now, today, rng)
        quiet, waiting = open_deals[0], open_deals[1]  # no follow-up: gone quiet
        quiet.last_activity_at = now - timedelta(days=24)
        waiting.last_activity_at = now - timedelta(days=20)
        until = today + timedelta(days=21)
        snooze_deal(s, waiting, until, "Budget decision in January", now - timedelta(days=2))
        s.add(quiet)
        digest_store.save_subscription(
            session=s,
            team_id=TEAM,
            channel_id=MANAGERS_CHANNEL,
            at="09:00",
            tz=tz,
            weekdays="mon,tue,wed,thu,fri",
            owners=[],
            locale="en",
            by=MANAGER,
            now=now,  # subscribed as the playground starts: no slot before it was missed
        )
    people.set_language(db, Actor(TEAM, INDONESIAN), "id")
    return len(deals)


# --- the writes, each by the deal's owner at ``when`` (bench.sample writes through them too) ---


def create_deal(s: Session, new: store.NewDeal, when: datetime) -> Deal:
    """``new``, created by its owner."""
    return store.create_deal(session=s, team_id=TEAM, new=new, created_by=new.owner_id, now=when)


def move_deal(s: Session, deal: Deal, stage: Stage, when: datetime, *lost: str) -> None:
    """``lost``: the reason and the note, for a move to Lost."""
    reason, note = lost or (None, None)
    store.move_deal(
        session=s,
        team_id=TEAM,
        deal=deal,
        to_stage=stage,
        by=deal.owner_id,
        now=when,
        lost_reason=reason,
        lost_note=note,
    )


def update_deal(s: Session, deal: Deal, changes: store.DealChanges, when: datetime) -> None:
    store.update_deal(
        session=s, team_id=TEAM, deal=deal, changes=changes, by=deal.owner_id, now=when
    )


def save_checklist(s: Session, deal: Deal, kind: str, data: dict, when: datetime) -> None:
    """A new version of the deal's ``kind`` checklist holding ``data`` (as read from the modal)."""
    parts = cl.completion(kind, data)
    checklist_store.save_checklist(
        session=s,
        team_id=TEAM,
        deal=deal,
        kind=kind,
        data=data,
        filled=parts.filled,
        parts=parts.total,
        by=deal.owner_id,
        now=when,
    )


def snooze_deal(s: Session, deal: Deal, until: date, reason: str, when: datetime) -> None:
    digest_store.snooze_deal(
        session=s, team_id=TEAM, deal=deal, until=until, reason=reason, now=when
    )
