"""A ten-second playbook per default stage: the techniques of that step of the sales path,
in our own words. Every title and point is a msgid, translated when rendered."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.i18n import N_


@dataclass(frozen=True)
class Playbook:
    title: str
    points: tuple[str, ...]


PLAYBOOKS: dict[str, Playbook] = {
    "prospecting": Playbook(
        N_("Prospecting: fill the pipeline"),
        (
            N_(
                "Ask for referrals: happy customers, friends and acquaintances, people of "
                "influence."
            ),
            N_("Watch the itch cycle: when will a past buyer need it again?"),
            N_("Revisit idle accounts; scan the news and media for leads."),
            N_("Swap leads with sellers of complementary products."),
            N_("Canvass: pick an area and spread your material there."),
        ),
    ),
    "approaching": Playbook(
        N_("Approaching: earn their attention"),
        (
            N_("Prepare: learn who you are meeting and what they care about."),
            N_(
                "Map the decision-maker unit: decision maker, user influence, technical "
                "influence, coach. Start with user and technical influence: easy to reach, "
                "they know the problem."
            ),
            N_("3M: pick the right Moment and Media; read their Mood."),
            N_("Warm up with F.O.R.M.: Family, Occupation, Recreation, Motivation."),
            N_("Then say plainly why you came."),
        ),
    ),
    "probing": Playbook(
        N_("Probing: find the real need"),
        (
            N_("Talk less, listen more."),
            N_(
                "Not aware of the problem, or only of the problem? Use SPIN: Situation, "
                "Problem, Implication, Need-payoff."
            ),
            N_(
                "Already knows the kind of solution? Ask direct questions: confirm the "
                "problem, then the benefit they want."
            ),
            N_("Write down what you learn, in their words."),
        ),
    ),
    "presentation": Playbook(
        N_("Presentation: show the fit"),
        (
            N_(
                "F.A.B.: Feature (built into the product), Advantage (an offer on top, often "
                "for a while), Benefit (how it solves their problem)."
            ),
            N_("After SPIN, turn it round to B.A.F.: lead with the benefit they asked for."),
            N_("Different needs, different solutions: shape each presentation to the customer."),
        ),
    ),
    "negotiation": Playbook(
        N_("Negotiation: handle objections, agree"),
        (
            N_("The 4 R's: React, Recognize, Respond, Re-confirm."),
            N_("Name the objection: product, need or emotion."),
            N_(
                "Respond: reverse (a positive reframe), admit (agree, offer an alternative) "
                "or feel-felt-found (a similar customer's story)."
            ),
            N_(
                "B.A.T.N.A.: know your Possible (opening), Target (ideal) and Critical "
                "(walk-away) points."
            ),
            N_("Think win-win; open new dimensions to trade."),
        ),
    ),
    "closing": Playbook(
        N_("Closing: ask for the decision"),
        (
            N_("Ask for it when you see buying signals: questions, praise, requests."),
            N_("Summary of benefit: recap what matters most to them."),
            N_("Suggestion close: link their problems to your solution and recommend it."),
        ),
    ),
    "won": Playbook(
        N_("Won: keep, then grow"),
        (
            N_("Keep: earn trust so they stay and come back."),
            N_("Grow: upsell or cross-sell, but only once Keep is safe."),
            N_(
                "Complaints in 5 steps: listen for the facts, clarify, apologise, explain, "
                "agree on an action."
            ),
        ),
    ),
    "lost": Playbook(
        N_("Lost: plan the win back"),
        (
            N_("Record the real reason; it shapes the next try."),
            N_("Stay in touch without pressure; needs and people change."),
            N_("Set a date to try again: lost customers can be won back."),
        ),
    ),
}


def playbook_for(stage_key: str) -> Playbook | None:
    """The playbook of a default stage key; ``None`` for a workspace's own stages."""
    return PLAYBOOKS.get(stage_key)
