"""Reactions at a glance: party → people → statements, named officials first.

The first screen is one line per party: how its statements lean (counts per stance) and
its principal voices. A party opens its people (one line each), a person opens their
statements, and a stance button lists every statement of that stance. Unnamed voices
(«محللون», a country speaking as itself, an office or outlet without a person's name)
come after named people, and statements with no party come last.

Who comes first, and why: a named person with a role (a minister, a spokesperson) is
what a reader looks for; then named people without an official role (academics are
analysts, not their country's government); then offices and institutions; then a
country as a whole, collective voices and outlets. Within a tier, whoever is cited more
often comes first, then whoever is cited first in the dossier.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.arabic.normalize import normalize
from bot.extract.english import role_name
from bot.extract.vocabulary import vocabulary
from bot.model import Cache, Reaction, Stance
from bot.telegram.i18n import Lang, t
from bot.telegram.render import Citations, actor_name, reaction_line
from bot.telegram.text import esc, truncate

STANCES: tuple[Stance, ...] = ("critical", "supportive", "neutral", "no_comment")
STANCE_ICON = {"critical": "🔴", "supportive": "🟢", "neutral": "⚪", "no_comment": "🤐"}
VOICES_SHOWN = 3
PEOPLE_PAGE_SIZE = 8
#: the first screen lists parties while their lines fit this many characters (one
#: Telegram message with room for the title and hint), and at most this many buttons
GLANCE_CHARS = 3000
GLANCE_MAX_PARTIES = 30


@dataclass(frozen=True)
class Person:
    name: str
    role: str | None
    tier: int
    statements: tuple[Reaction, ...]


@dataclass(frozen=True)
class PartyGroup:
    party: str | None  # None: statements without a party («محللون», unnamed sources)
    people: tuple[Person, ...]

    @property
    def statements(self) -> tuple[Reaction, ...]:
        return tuple(r for p in self.people for r in p.statements)


def _first_words(text: str | None) -> set[str]:
    return set(normalize(text or "").split()[:1])


def tier(r: Reaction) -> int:
    """0 named official, 1 named person without office (academic), 2 office or
    institution without a person's name, 3 a country as itself, collective or outlet."""
    v = vocabulary()
    actor_first = _first_words(r.actor)
    if r.actor == r.party or actor_first & (v.collective | v.media):
        return 3
    if r.role is None or normalize(r.role) == normalize(r.actor):
        return 2
    if _first_words(r.role) & v.independent:
        return 1
    return 0


def group_reactions(cache: Cache, parties: Sequence[str]) -> list[PartyGroup]:
    """One group per party in ``parties`` order, then the party-less group (if any)."""
    order = {id(r): i for i, r in enumerate(cache.reactions)}
    groups: list[PartyGroup] = []
    for party in [*parties, None]:
        by_actor: dict[str, list[Reaction]] = {}
        for r in cache.reactions:
            if r.party == party:
                by_actor.setdefault(r.actor_key, []).append(r)
        if not by_actor:
            continue
        people = []
        for said in by_actor.values():
            best = min(said, key=tier)
            name = max((r.actor for r in said), key=len)
            role = next((r.role for r in said if r.role and r.role != r.actor), best.role)
            people.append(Person(name, role, tier(best), tuple(said)))
        people.sort(key=lambda p: (p.tier, -len(p.statements), order[id(p.statements[0])]))
        groups.append(PartyGroup(party, tuple(people)))
    return groups


def glance_order(groups: Sequence[PartyGroup]) -> list[int]:
    """Parties with named voices and more statements first; the party-less group last."""
    return sorted(
        range(len(groups)),
        key=lambda i: (
            groups[i].party is None,
            min(p.tier for p in groups[i].people),
            -len(groups[i].statements),
            groups[i].party or "",
        ),
    )


def stance_summary(lang: Lang, statements: Sequence[Reaction]) -> str:
    """«🔴 4 · ⚪ 2»: statements per stance, most frequent first."""
    counts = {s: sum(1 for r in statements if r.stance == s) for s in STANCES}
    shown = sorted((s for s in STANCES if counts[s]), key=lambda s: -counts[s])
    return " · ".join(f"{STANCE_ICON[s]} {counts[s]}" for s in shown)


def group_name(lang: Lang, cache: Cache, group: PartyGroup) -> str:
    if group.party is None:
        return t(lang, "party_others")
    if lang == "en":
        return cache.party_names_en.get(group.party, group.party)
    return group.party


def person_name(lang: Lang, cache: Cache, person: Person, party: str | None) -> str:
    """A person as shown; a country or an unnamed office in the reader's language."""
    return actor_name(lang, cache, person.name, person.role, party)


def voices(lang: Lang, cache: Cache, group: PartyGroup) -> str:
    """The principal voices of a party: named people first, with how often they speak."""
    shown = []
    for person in group.people[:VOICES_SHOWN]:
        name = esc(person_name(lang, cache, person, group.party))
        if len(person.statements) > 1:
            name += f" ({len(person.statements)})"
        shown.append(name)
    if len(group.people) > VOICES_SHOWN:
        shown.append(esc(t(lang, "and_more", n=len(group.people) - VOICES_SHOWN)))
    return ("، " if lang == "ar" else ", ").join(shown)


def render_glance(lang: Lang, cache: Cache, groups: Sequence[PartyGroup]) -> str:
    """The first screen: one line per party (stance counts, principal voices)."""
    if not groups:
        return f"🗣 <b>{esc(t(lang, 'reactions_glance_title'))}</b>\n\n" + t(lang, "empty_reactions")
    lines = [f"🗣 <b>{esc(t(lang, 'reactions_glance_title'))}</b>", ""]
    shown = glance_shown(lang, cache, groups)
    lines += [_party_line(lang, cache, groups[i]) for i in shown]
    if len(shown) < len(groups):
        lines.append(f"<i>{esc(t(lang, 'reactions_glance_more', n=len(groups) - len(shown)))}</i>")
    lines += ["", f"<i>{esc(t(lang, 'reactions_glance_hint'))}</i>"]
    return "\n".join(lines)


def _party_line(lang: Lang, cache: Cache, group: PartyGroup) -> str:
    return (
        f"• <b>{esc(group_name(lang, cache, group))}</b> — "
        f"{stance_summary(lang, group.statements)} — {voices(lang, cache, group)}"
    )


def glance_shown(lang: Lang, cache: Cache, groups: Sequence[PartyGroup]) -> list[int]:
    """The parties the first screen lists, in glance order, while they fit one message:
    a large dossier names dozens of parties; the rest are reached by name
    (``/reactions <party>``)."""
    shown: list[int] = []
    used = 0
    for i in glance_order(groups):
        used += len(_party_line(lang, cache, groups[i])) + 1
        if shown and (used > GLANCE_CHARS or len(shown) >= GLANCE_MAX_PARTIES):
            break
        shown.append(i)
    return shown


def render_party(lang: Lang, cache: Cache, group: PartyGroup, page: int) -> tuple[str, int, int]:
    """A party's people, one line each; returns the text, the clamped page, the pages."""
    pages = max(1, -(-len(group.people) // PEOPLE_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    title = f"🗣 <b>{esc(group_name(lang, cache, group))}</b> — " + esc(
        t(lang, "statements_n", n=len(group.statements))
    )
    if pages > 1:
        title += f" · {page + 1}/{pages}"
    lines = [title, ""]
    for person in group.people[page * PEOPLE_PAGE_SIZE : (page + 1) * PEOPLE_PAGE_SIZE]:
        who = f"<b>{esc(person_name(lang, cache, person, group.party))}</b>"
        if person.role and person.role != person.name:
            role = person.role
            if lang == "en":
                role = role_name(role, group.party, cache.party_names_en)
            who += f" ({esc(truncate(role, 60))})"
        lines.append(
            f"• {who} — {stance_summary(lang, person.statements)} — "
            + esc(t(lang, "statements_n", n=len(person.statements)))
        )
    lines += ["", f"<i>{esc(t(lang, 'reactions_party_hint'))}</i>"]
    return "\n".join(lines), page, pages


def render_statements(
    lang: Lang, cache: Cache, title: str, items: Sequence[Reaction], page: int, size: int
) -> tuple[str, int, int]:
    """A page of statements as written, each cited; returns text, clamped page, pages."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    cites = Citations(cache, lang)
    lines = [reaction_line(lang, r, cites) for r in items[page * size : (page + 1) * size]]
    blocks = [f"🗣 <b>{esc(title)}</b>", "\n".join(lines) or t(lang, "empty_reactions")]
    if foot := cites.footer():
        if lang == "en":
            blocks.append(f"<i>{esc(t(lang, 'quoted_in_arabic'))}</i>")
        blocks.append(foot)
    return "\n\n".join(blocks), page, pages
