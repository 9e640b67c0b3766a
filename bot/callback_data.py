"""The one schema of button callback data: every action's format, built and parsed here.

Callback data is ``<code>[:<field>…]``, at most 64 bytes (Telegram's limit). Each action is one
row of :data:`ACTIONS`; :func:`build` refuses arguments that the row's patterns would not parse
back, :func:`parse` returns ``None`` for anything forged, outdated or unknown, and
:func:`handler_pattern` gives each area's ``CallbackQueryHandler`` its pattern. To add an action,
add a row (and handle it in its area).

=============  =========================  =================================================
code           fields                     meaning
=============  =========================  =================================================
``m``          qid, page                  more results of logged question <qid> (new message)
``M``          qid, page                  page through those results (edits the list)
``f``          qid, 1|0                   👍 / 👎 feedback
``o``          ref                        open an item card
``s``          ref                        similar projects
``d``          ref                        send a document
``t``          topic number, page         projects of a topic
``k``          Kreis number, page         projects of a Kreis
``e``          example number             ask example question
``h``          qid                        hand the question over to the advisory service (draft)
``hn``         hand-off id, 1|0           include the Telegram name or not (draft)
``hs``         hand-off id                send the draft to the advisory chat
``hx``         hand-off id                cancel the draft
``ha``         hand-off id                adopt the advisor's answer as FAQ (advisory chat only)
``fr``         qid, reason letter         reason for 👎 (w i o p x, see bot.feedback_flow)
``xq``         qid                        results of a question as CSV
``xt`` / ``xk`` topic / Kreis number      projects of a topic / Kreis as CSV
``xe``                                    upcoming events as CSV
``xh``                                    "meine Kommune" as CSV
``ic``         ref                        an event's .ics file
``pm``         ref                        a project's full description ("Mehr")
``lf`` ``ld`` ``le``  page                page of the FAQ / documents / events list
``sub:a``                                 subscribe to all topics
``sub:t``      topic token                toggle one topic
``sub:d``                                 toggle the weekly digest
``sub:x``                                 close the subscription keyboard
``adm:bc:ok``  broadcast token            send a prepared broadcast
``adm:bc:no``  broadcast token            cancel it
``priv:del:ok``                           confirm /loeschen (erase everything about me)
``priv:del:no``                           cancel it
=============  =========================  =================================================

Binding: the actions marked ``owner_bound`` (``m``, ``M``, ``f``) name a logged question; they
are honoured only for the user who asked it (the question's pseudonym must be the presser's),
so forged or replayed ids never show or rate somebody else's question. All other actions show
public knowledge-base content or act on the presser's own chat, and their areas check
permissions (group administrators, maintainers).

``ref`` = kind letter (see knowledge.kinds) + item id, or ``#`` + 12 hex digits (hash of a long id),
made by :func:`item_ref`.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from typing import NamedTuple

from knowledge.kinds import ITEM_KINDS, item_kind

MAX_CALLBACK_BYTES = 64

# Field patterns (each must not contain ':').
QUERY_ID = r"\d{1,12}"
PAGE = r"\d{1,3}"
LIST_INDEX = r"\d{1,4}"
ITEM_REF = "(?:[" + "".join(kind.letter for kind in ITEM_KINDS) + r"][^\s:]{1,60}|#[0-9a-f]{12})"
HANDOFF_ID = r"\d{1,12}"
TOKEN_HEX_10 = r"[0-9a-f]{10}"
TOKEN_HEX_12 = r"[0-9a-f]{12}"


@dataclass(frozen=True)
class Action:
    """One kind of button: its code, the patterns of its fields and the area that handles it."""

    code: str
    fields: tuple[str, ...]
    area: str
    owner_bound: bool = False  # the first field is a query id that only its asker may use

    def regex(self) -> re.Pattern[str]:
        parts = [re.escape(self.code)] + [f"({field})" for field in self.fields]
        return re.compile("^" + ":".join(parts) + "$")


ACTIONS: tuple[Action, ...] = (
    Action("m", (QUERY_ID, PAGE), "chat", owner_bound=True),
    Action("M", (QUERY_ID, PAGE), "chat", owner_bound=True),
    Action("f", (QUERY_ID, "[01]"), "chat", owner_bound=True),
    Action("o", (ITEM_REF,), "chat"),
    Action("s", (ITEM_REF,), "chat"),
    Action("d", (ITEM_REF,), "chat"),
    Action("t", (LIST_INDEX, LIST_INDEX), "chat"),
    Action("k", (LIST_INDEX, LIST_INDEX), "chat"),
    Action("e", (r"\d{1,2}",), "chat"),
    Action("h", (QUERY_ID,), "chat"),
    Action("hn", (HANDOFF_ID, "[01]"), "chat"),
    Action("hs", (HANDOFF_ID,), "chat"),
    Action("hx", (HANDOFF_ID,), "chat"),
    Action("ha", (HANDOFF_ID,), "chat"),
    Action("fr", (QUERY_ID, "[wioxp]"), "chat"),
    Action("xq", (QUERY_ID,), "chat"),
    Action("xt", (LIST_INDEX,), "chat"),
    Action("xk", (LIST_INDEX,), "chat"),
    Action("xe", (), "chat"),
    Action("xh", (), "chat"),
    Action("ic", (ITEM_REF,), "chat"),
    Action("pm", (ITEM_REF,), "chat"),
    Action("lf", (PAGE,), "chat"),
    Action("ld", (PAGE,), "chat"),
    Action("le", (PAGE,), "chat"),
    Action("sub:a", (), "subscriptions"),
    Action("sub:t", (TOKEN_HEX_10,), "subscriptions"),
    Action("sub:d", (), "subscriptions"),
    Action("sub:x", (), "subscriptions"),
    Action("adm:bc:ok", (TOKEN_HEX_12,), "admin"),
    Action("adm:bc:no", (TOKEN_HEX_12,), "admin"),
    Action("priv:del:ok", (), "privacy"),
    Action("priv:del:no", (), "privacy"),
)
_BY_CODE = {action.code: action for action in ACTIONS}
_REGEX = {action.code: action.regex() for action in ACTIONS}


class Callback(NamedTuple):
    """Parsed callback data: the action code and its fields (as strings)."""

    action: str
    args: tuple[str, ...]


def build(code: str, *args: object) -> str:
    """Callback data for ``code`` with ``args``; ValueError if it would not parse back (or > 64 bytes)."""
    if code not in _BY_CODE:
        raise ValueError(f"unknown callback action {code!r}")
    data = ":".join([code, *(str(arg) for arg in args)])
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    if not _REGEX[code].match(data):
        raise ValueError(f"callback data {data!r} does not fit action {code!r}")
    return data


def is_owner_bound(code: str) -> bool:
    """True for actions whose query id may only be used by the user who asked the question."""
    action = _BY_CODE.get(code)
    return action is not None and action.owner_bound


def parse(data: str | None) -> Callback | None:
    """(action, arguments) of valid callback data, None for anything forged or unknown."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    for code, regex in _REGEX.items():
        if data.startswith(code) and (match := regex.match(data)):
            return Callback(code, match.groups())
    return None


@functools.cache
def handler_pattern(area: str) -> re.Pattern[str]:
    """The ``CallbackQueryHandler`` pattern of an area: data starting with one of its codes."""
    codes = [action.code for action in ACTIONS if action.area == area]
    if not codes:
        raise ValueError(f"no callback actions for area {area!r}")
    alternatives = "|".join(re.escape(code) for code in sorted(codes, key=len, reverse=True))
    return re.compile(f"^(?:{alternatives})(?::|$)")


def item_ref(kind: str, item_id: str) -> str:
    """A short reference to an item for callback data (hash for long ids)."""
    ref = item_kind(kind).letter + item_id
    if len(ref.encode("utf-8")) <= 60 and ":" not in item_id and not any(c.isspace() for c in item_id):
        return ref
    return long_ref(kind, item_id)


def long_ref(kind: str, item_id: str) -> str:
    """The hashed reference of an item (for ids too long or odd for callback data)."""
    return "#" + hashlib.sha1(f"{kind}:{item_id}".encode()).hexdigest()[:12]


def is_unclaimed(data: object) -> bool:
    """True for callback data that no area's pattern claims (forged or from an old version)."""
    if not isinstance(data, str):
        return True
    return not any(handler_pattern(area).match(data) for area in AREAS)


AREAS: tuple[str, ...] = tuple(dict.fromkeys(action.area for action in ACTIONS))
