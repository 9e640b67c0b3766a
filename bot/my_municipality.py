""""Meine Kommune": /meine_kommune NAME remembers the user's municipality (typos tolerated by the
municipal register) and shows its overview; without a name it shows the remembered one again.
Questions like "woran sind wir beteiligt?" show it too. Blocking (database)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from embeddings.lexical import fold
from knowledge import home_municipality
from knowledge.csv_export import projects_csv
from knowledge.municipality_overview import MunicipalityOverview, municipality_overview
from knowledge.places import MunicipalRegister, Municipality
from knowledge.query_log import pseudonym_key, pseudonymise
from knowledge.service import KnowledgeBase
from knowledge.settings import Settings

from bot import callback_data
from bot.callback_data import item_ref
from bot.cards import Cards
from bot.event_time import format_when
from bot.formatting import short_label
from bot.replies import Button, GeneratedFile, Reply, Span, text_span
from bot.texts import t

OWN_LIMIT = 10
KREIS_LIMIT = 5
# "woran sind wir beteiligt?", "unsere Projekte", "was gibt es bei uns?", "meine Kommune"
OWN_QUESTION = re.compile(
    r"\b(woran sind wir|wo sind wir|sind wir beteiligt|unsere[nr]? (projekte|kooperationen|kommune|gemeinde|stadt)"
    r"|bei uns|meine[rn]? (kommune|gemeinde|stadt)|what do we take part in|our (projects|municipality))\b",
    re.IGNORECASE,
)


def is_own_question(text: str) -> bool:
    """Questions about "us" that the remembered municipality answers."""
    return bool(OWN_QUESTION.search(text))


class MyMunicipality:
    """The user's municipality setting and its overview."""

    def __init__(self, kb: KnowledgeBase, settings: Settings, register: MunicipalRegister, cards: Cards,
                 clock: Callable[[], datetime]) -> None:
        self.kb = kb
        self.settings = settings
        self.register = register
        self.cards = cards
        self.clock = clock
        self._key = pseudonym_key(settings)

    def _user_hash(self, user_id: int | str | None) -> str | None:
        return pseudonymise(self._key, user_id) if user_id is not None else None

    def remembered(self, user_id: int | str | None) -> Municipality | None:
        user_hash = self._user_hash(user_id)
        row = home_municipality.recall(self.kb.engine, user_hash) if user_hash else None
        if row is None:
            return None
        return self.register.get(row.name)

    def command(self, user_id: int | str | None, args: str, lang: str) -> Reply:
        """/meine_kommune [Name]."""
        name = " ".join(args.split())
        if not name:
            current = self.remembered(user_id)
            return self.overview(current, lang) if current else Reply().add(text_span("home_usage", lang))
        found = self.register.resolve(name)
        if found is None:
            return Reply().add(text_span("home_unknown", lang, name=name)).add(text_span("home_usage", lang))
        user_hash = self._user_hash(user_id)
        reply = Reply()
        if user_hash is not None:
            home_municipality.remember(self.kb.engine, user_hash, ags=found.ags, name=found.name, kreis=found.kreis,
                                       clock=self.clock)
            reply.add(text_span("home_saved", lang, name=found.name, kind=found.kind, kreis=found.kreis))
        if fold(name) != fold(found.name):
            reply.add(Span(t("home_corrected", lang, typed=name, name=found.name), "i"))
        reply.blank()
        return self.overview(found, lang, reply=reply)

    def _overview_data(self, municipality: Municipality) -> MunicipalityOverview:
        return municipality_overview(self.kb.engine, self.register, municipality, now=self.clock())

    def overview(self, municipality: Municipality, lang: str, *, reply: Reply | None = None) -> Reply:
        data = self._overview_data(municipality)
        reply = reply or Reply()
        reply.add(text_span("home_title", lang, name=municipality.name, kreis=municipality.kreis))
        reply.blank()
        if data.own_projects:
            reply.add(text_span("home_own", lang, count=len(data.own_projects)))
            for rank, project in enumerate(data.own_projects[:OWN_LIMIT], start=1):
                reply.add(f"{rank}. ", Span(project.title, "b"), f" – {project.topic}" if project.topic else "")
                reply.row(Button(short_label(f"🤝 {project.title}"), callback_data.build("o", item_ref("project", project.id))))
        else:
            reply.add(text_span("home_own_none", lang, name=municipality.name))
        if data.kreis_projects:
            reply.blank().add(text_span("home_kreis", lang, kreis=municipality.kreis, count=len(data.kreis_projects)))
            for project in data.kreis_projects[:KREIS_LIMIT]:
                reply.add("• ", Span(project.title, "b"), f" – {', '.join(project.municipalities[:3])}")
            kreise = self.kb.kreise()
            names = [name for name, _ in kreise]
            if municipality.kreis in names:
                index = names.index(municipality.kreis)
                reply.row(Button(t("button_home_kreis", lang, count=kreise[index][1]), callback_data.build("k", index, 0)))
        if data.nearby_projects:
            reply.blank().add(text_span("home_nearby", lang))
            for near in data.nearby_projects:
                reply.add("• ", Span(near.project.title, "b"), f" – {near.municipality}, {near.km:.0f} km")
                reply.row(Button(short_label(f"📍 {near.project.title}"),
                                 callback_data.build("o", item_ref("project", near.project.id))))
        reply.blank().add(text_span("home_events", lang))
        if not data.events:
            reply.add(text_span("home_events_none", lang))
        for nearby in data.events:
            where = t("home_online", lang) if nearby.online else f"{nearby.place}, {nearby.km:.0f} km"
            reply.add("📅 ", Span(nearby.event.title, "b"), f" – {format_when(nearby.event.start, None, lang, self.cards.tz)} ({where})")
            reply.row(Button(short_label(f"📅 {nearby.event.title}"),
                             callback_data.build("o", item_ref("event", nearby.event.id))))
        if data.all_projects:
            reply.row(Button(t("button_csv", lang), callback_data.build("xh")))
        return reply

    def export(self, user_id: int | str | None, lang: str) -> Reply:
        """The overview's projects as CSV (the ⬇️ CSV button)."""
        municipality = self.remembered(user_id)
        if municipality is None:
            return Reply().add(text_span("home_usage", lang))
        data = self._overview_data(municipality)
        title = t("csv_title_home", lang, name=municipality.name)
        name = f"meine-kommune-{fold(municipality.name).replace(' ', '-')}.csv"
        return Reply(document=GeneratedFile(projects_csv(data.all_projects), name,
                                            t("csv_caption", lang, title=title, count=len(data.all_projects))))
