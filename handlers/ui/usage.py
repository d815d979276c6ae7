"""Usage and examples for each slash command: English msgids, translated when shown — the
syntax lines and examples too, since every command reads its Indonesian words as well
(``/advance <deal> ke <tahap>``)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import ids
from bot.core.i18n import N_


@dataclass(frozen=True)
class Usage:
    command: str
    summary: str
    forms: tuple[tuple[str, str], ...]  # (syntax, what it does): msgids
    examples: tuple[str, ...]  # msgids (a line with no word to translate is a plain string)


USAGE: dict[str, Usage] = {
    ids.CMD_PROSPECT: Usage(
        ids.CMD_PROSPECT,
        N_("Log a new prospect (a deal at the start of the sales path)."),
        (
            ("/prospect", N_("open the new-deal form")),
            (N_("/prospect <name> [value] [source] [@owner]"), N_("quick add, in any order")),
            (N_("/prospect help"), N_("show this help")),
        ),
        (
            N_("/prospect Acme Corp 50jt referral @maria"),
            N_("/prospect PT Maju Jaya Rp 50.000.000 inbound"),
            N_("/prospect Kopi Kenangan $5,000 cold outreach"),
        ),
    ),
    ids.CMD_ADVANCE: Usage(
        ids.CMD_ADVANCE,
        N_("Move a deal along the sales path."),
        (
            ("/advance <deal>", N_("move it to the next stage")),
            (N_("/advance <deal> to <stage>"), N_("move it to a given stage")),
            (N_("/advance <deal> won [value]"), N_("close it as won, with its final value")),
            (N_("/advance <deal> lost <reason> [note]"), N_("close it as lost, with a reason")),
        ),
        (
            "/advance Acme",
            N_("/advance Acme to negotiation"),
            N_("/advance Acme won 55jt"),
            N_("/advance Acme lost price went with a cheaper vendor"),
        ),
    ),
    ids.CMD_SPIN: Usage(
        ids.CMD_SPIN,
        N_("Fill the SPIN checklist for a deal (Situation, Problem, Implication, Need-payoff)."),
        (("/spin <deal>", N_("open the SPIN checklist, pre-filled with the latest answers")),),
        ("/spin Acme",),
    ),
    ids.CMD_BATNA: Usage(
        ids.CMD_BATNA,
        N_("Fill the BATNA negotiation sheet for a deal."),
        (("/batna <deal>", N_("open the BATNA sheet, pre-filled with the latest answers")),),
        ("/batna Acme",),
    ),
    ids.CMD_PIPELINE: Usage(
        ids.CMD_PIPELINE,
        N_("See the pipeline."),
        (
            ("/pipeline", N_("my open deals by stage")),
            (N_("/pipeline team"), N_("everyone's open deals by stage")),
            ("/pipeline <deal>", N_("the deal card")),
            (N_("/pipeline stages"), N_("the stage list (managers can edit it)")),
            (N_("/pipeline gates"), N_("the checklist each stage needs (managers can edit)")),
            (
                N_("/pipeline stats [7d|30d|90d|quarter] [team]"),
                N_("win rate, deal size, velocity, where deals drop"),
            ),
            (
                N_("/pipeline forecast [Q1|next quarter|March] [team]"),
                N_("open value by expected close month, weighted, and targets"),
            ),
            (
                N_("/pipeline target @rep 500jt [Q1|month]"),
                N_("set a rep's target for a quarter or a month (managers)"),
            ),
            (N_("/pipeline export [team]"), N_("a CSV of deals in a DM")),
            (N_("/pipeline managers add @someone"), N_("name a manager (managers only)")),
            (N_("/pipeline lang id|en"), N_("the language Salespath writes to you in")),
            (
                N_("/pipeline settings"),
                N_(
                    "the workspace's default language and currency, who sees the team, "
                    "targets (managers)"
                ),
            ),
            (
                N_("/pipeline import"),
                N_("bring deals in from a CSV: Pipedrive, HubSpot, a spreadsheet (managers)"),
            ),
            (
                N_("/pipeline reassign @from @to [all]"),
                N_(
                    "give someone's open deals (`all`: closed too) to another rep, "
                    "after a preview (managers)"
                ),
            ),
            (N_("/pipeline notify"), N_("when I remind you, and whether to nudge and alert you")),
            (
                N_("/pipeline export all"),
                N_("all of the workspace's data as a zip of CSV files in a DM (managers)"),
            ),
            (N_("/pipeline <deal> history"), N_("its changes on record, checklists and meetings")),
            (N_("/pipeline delete <deal>"), N_("delete a deal (its owner or a manager)")),
            (
                N_("/pipeline merge <deal A> into <deal B>"),
                N_("move A's contacts, checklists, meetings and history to B; A is deleted"),
            ),
        ),
        (
            "/pipeline",
            N_("/pipeline team"),
            "/pipeline Acme",
            N_("/pipeline stats 30d"),
            N_("/pipeline forecast next quarter"),
        ),
    ),
    ids.CMD_DIGEST: Usage(
        ids.CMD_DIGEST,
        N_("Post a daily pipeline digest in this channel."),
        (
            (
                N_("/digest here [HH:MM] [timezone] [weekdays] [for @a @b] [bahasa id|en] [wins]"),
                N_("subscribe this channel (`wins`: also announce won deals here)"),
            ),
            ("/digest status", N_("show this channel's subscription")),
            (N_("/digest now"), N_("post the digest here now")),
            (N_("/digest off"), N_("stop the digest in this channel")),
        ),
        (
            N_("/digest here"),
            N_("/digest here 08:30 Asia/Jakarta mon-fri wins"),
            N_("/digest now"),
        ),
    ),
}
