"""Time periods named in questions ("nächsten Monat", "im Dezember", "diese Woche", "2027").

Questions about events are filtered to the period they name. Periods are computed in the
configured time zone relative to an injected "now", so tests and evaluations are reproducible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.easter import easter

from embeddings.lexical import fold

MONTHS = {
    "januar": 1, "jaenner": 1, "january": 1, "jan": 1, "februar": 2, "february": 2, "feb": 2, "maerz": 3,
    "march": 3, "april": 4, "apr": 4, "mai": 5, "may": 5, "juni": 6, "june": 6, "juli": 7, "july": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nov": 11, "dezember": 12, "december": 12, "dez": 12, "dec": 12,
}
SEASONS = {"fruehjahr": (3, 5), "fruehling": (3, 5), "spring": (3, 5), "sommer": (6, 8), "summer": (6, 8),
           "herbst": (9, 11), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
_NEXT = r"(?:naechste[nmrs]?|kommende[nmrs]?|next|coming)"
_THIS = r"(?:diese[nmrs]?|this|laufende[nmrs]?|aktuelle[nmrs]?)"
# what events are called, also in compounds ("Jahrestagung", "Präsenztermin", "Infoveranstaltung")
EVENT_NOUN = (r"[a-z]*(?:veranstaltung|termin|webinar|workshop|konferenz|kongress|tagung|seminar|forum|schulung|"
              r"fortbildung|sprechstunde|exkursion|fachtag|spotlight)\w*|events?")
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_FORMAT_WORD = r"(?:online|digitale[nrs]?|virtuelle[nrs]?|kostenlose[nrs]?|kostenfreie[nrs]?|in-person|free)"
_ORDINALS = {"1": 1, "2": 2, "3": 3, "4": 4, "erste": 1, "zweite": 2, "dritte": 3, "vierte": 4, "first": 1,
             "second": 2, "third": 3, "fourth": 4}
_ORDINAL = r"(1|2|3|4|erste|zweite|dritte|vierte|first|second|third|fourth)(?:\.|[nmrs])?"
_YEAR = r"(?:\s+((?:19|20)\d\d))?"
_COUNT_WORDS = {"zwei": 2, "drei": 3, "vier": 4, "two": 2, "three": 3, "four": 4}


@dataclass(frozen=True)
class Period:
    """[start, end) in the local time zone, and the words that named it."""

    start: datetime
    end: datetime
    label: str

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end

    def dates(self) -> str:
        """The period's days as a reader writes them: "30.11.2026–06.12.2026", one day: "08.12.2026"."""
        last = self.end - timedelta(days=1)
        first = f"{self.start:%d.%m.%Y}"
        return first if last.date() <= self.start.date() else f"{first}–{last:%d.%m.%Y}"


def _day(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time.min, tzinfo=tz)


def _month(year: int, month: int, tz: ZoneInfo, months: int = 1) -> tuple[datetime, datetime]:
    end_month = month - 1 + months
    return _day(date(year, month, 1), tz), _day(date(year + end_month // 12, end_month % 12 + 1, 1), tz)


# school summer holidays differ by Land and year; July and August hold them nearly everywhere
SUMMER_HOLIDAYS = ((7, 1), (9, 1))
_HOLIDAY = re.compile(
    r"(?<![a-z])(?:(?P<rel>noch\s+vor|vor|bis|nach|before|after|until)\s+(?:zu\s+|den\s+|der\s+|dem\s+|the\s+)?"
    r"|(?:an|zu|ueber|um|in\s+den|waehrend\s+der|at|during\s+the|over)\s+)?"
    r"(?P<name>ostern|osterferien|easter|pfingsten|pfingstferien|whitsun|karneval|fasching|fastnacht|carnival"
    r"|rosenmontag|sommerferien|sommerpause|summer\s+holidays?"
    r"|summer\s+break|herbstferien|weihnachtsferien|zwischen\s+den\s+jahren)(?![a-z])")


def _holiday_period(text: str, today: date, tz: ZoneInfo) -> Period | None:
    """"vor Ostern", "nach Pfingsten", "nach Karneval", "in den Sommerferien", "vor der Sommerpause": the days before
    a holiday (from today), the weeks after it, or the holiday itself (its next occurrence)."""
    m = _HOLIDAY.search(text)
    if m is None:
        return None
    name, relation_word = m.group("name"), ((m.group("rel") or "").split() or [""])[-1]  # "noch vor" → "vor"

    def next_holiday(year: int) -> tuple[date, date, date, date]:
        """The holiday's days [start, end), and the day "vor …" ends and "nach …" begins."""
        if name.startswith(("oster", "easter", "pfingst", "whitsun")):
            sunday = easter(year) + timedelta(days=0 if name.startswith(("oster", "easter")) else 49)
            return sunday - timedelta(days=7), sunday + timedelta(days=8), sunday + timedelta(days=1), sunday + timedelta(days=1)
        if name.startswith(("karneval", "fasching", "fastnacht", "carnival", "rosenmontag")):  # Weiberfastnacht–Aschermittwoch
            ash_wednesday = easter(year) - timedelta(days=46)
            return ash_wednesday - timedelta(days=6), ash_wednesday + timedelta(days=1), ash_wednesday - timedelta(days=6), ash_wednesday
        if name.startswith(("sommer", "summer")):
            start, end = date(year, *SUMMER_HOLIDAYS[0]), date(year, *SUMMER_HOLIDAYS[1])
        elif name.startswith("herbst"):
            start, end = date(year, 10, 1), date(year, 11, 1)
        else:  # Weihnachtsferien, zwischen den Jahren
            start, end = date(year, 12, 23), date(year + 1, 1, 7)
        return start, end, start, end

    start, end, before, after = next_holiday(today.year)
    if end <= today:
        start, end, before, after = next_holiday(today.year + 1)
    if relation_word in ("vor", "bis", "before", "until"):
        return Period(_day(today, tz), _day(max(before, today + timedelta(days=1)), tz), m.group())
    if relation_word in ("nach", "after"):
        return Period(_day(after, tz), _day(after + timedelta(days=56), tz), m.group())  # the weeks after it
    return Period(_day(max(start, today), tz), _day(end, tz), m.group())


def period_in(question: str, now: datetime, timezone: str = "Europe/Berlin") -> Period | None:
    """The period a question names, or None. Month names without a year mean their next occurrence."""
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    today = local.date()
    text = fold(question)
    monday = today - timedelta(days=today.weekday())

    def found(pattern: str) -> re.Match[str] | None:
        return re.search(rf"(?<![a-z])(?:{pattern})(?![a-z])", text)  # the bounds hold for every alternative

    if m := found(rf"(?:naechste[nmrs]?|kommende[nmrs]?|next|upcoming|demnaechst|bald)(?:\s+{_FORMAT_WORD})?"
                  rf"(?:\s+{EVENT_NOUN})?"):
        if not re.match(r"(?:naechste|kommende|next|coming)[nmrs]?\s+(?:woche|monat|jahr|week|month|year)\b", text[m.start():]):
            if m.group().split()[-1] not in ("naechste", "naechsten", "naechster", "naechstes", "naechstem",
                                             "kommende", "kommenden", "next", "upcoming") or m.group() in (
                    "demnaechst", "bald"):
                return Period(_day(today, tz), _day(today + timedelta(days=366), tz), m.group())
    if m := found(r"(?:noch\s+)?(?:vor|bis)\s+(?:zu\s+)?weihnachten|before\s+christmas"):
        christmas = date(today.year if today <= date(today.year, 12, 24) else today.year + 1, 12, 24)
        return Period(_day(today, tz), _day(christmas, tz), m.group())
    if (holiday := _holiday_period(text, today, tz)) is not None:
        return holiday
    if m := found(r"(?:anfang|beginn)\s+(?:des\s+)?(?:naechsten|kommenden)\s+jahres|early\s+next\s+year"
                  r"|(?:im|ins)\s+neuen?\s+jahr|nach\s+neujahr|after\s+new\s+year"):
        return Period(*_month(today.year + 1, 1, tz, 3), m.group())  # the first months of the new year
    if m := found(r"heute|today"):
        return Period(_day(today, tz), _day(today + timedelta(days=1), tz), m.group())
    if m := found(r"(?:uebermorgen)"):
        return Period(_day(today + timedelta(days=2), tz), _day(today + timedelta(days=3), tz), m.group())
    if m := found(r"(?<!guten )morgen|tomorrow"):
        return Period(_day(today + timedelta(days=1), tz), _day(today + timedelta(days=2), tz), m.group())
    if m := found(r"(?:am\s+|(?:an\s+)?diese[nmrs]?\s+|this\s+|on\s+the\s+)(?:wochenende|weekend)"):
        saturday = today + timedelta(days=(5 - today.weekday()) % 7) if today.weekday() != 6 else today
        return Period(_day(saturday, tz), _day(saturday + timedelta(days=2 if saturday != today else 1), tz), m.group())
    if m := found(r"uebernaechste[nmrs]?\s+woche|in\s+(2|zwei|3|drei|4|vier|two|three|four)\s+(?:wochen|weeks)"):
        weeks = 2 if m.group(1) is None else _COUNT_WORDS.get(m.group(1)) or int(m.group(1))
        start = monday + timedelta(days=7 * weeks)
        return Period(_day(start, tz), _day(start + timedelta(days=7), tz), m.group())
    if m := found(r"(?:kw|kalenderwoche|calendar\s+week|week)\s*(\d{1,2})" + _YEAR):
        number = int(m.group(1))
        year = int(m.group(2)) if m.group(2) else today.year
        if not m.group(2) and number < today.isocalendar().week:
            year += 1
        try:
            start = date.fromisocalendar(year, number, 1)
        except ValueError:
            start = None
        if start is not None:
            return Period(_day(start, tz), _day(start + timedelta(days=7), tz), m.group())
    if m := found(rf"{_THIS}\s+woche|this\s+week"):
        return Period(_day(today, tz), _day(monday + timedelta(days=7), tz), m.group())
    if m := found(rf"{_NEXT}\s+woche|next\s+week"):
        return Period(_day(monday + timedelta(days=7), tz), _day(monday + timedelta(days=14), tz), m.group())
    if m := found(r"(?:in\s+den\s+|within\s+the\s+|in\s+the\s+)?(?:naechsten|kommenden|next|coming)\s+(\d{1,2}|zwei|drei|vier|two|three|four)\s+(tage[n]?|wochen|monate[n]?|days|weeks|months)"):
        number = _COUNT_WORDS.get(m.group(1)) or int(m.group(1))
        unit = m.group(2)
        days = number * (1 if unit.startswith(("tag", "day")) else 7 if unit.startswith(("woche", "week")) else 31)
        return Period(_day(today, tz), _day(today + timedelta(days=days), tz), m.group())
    if m := found(r"(?:in\s+den\s+|in\s+the\s+)?(?:naechsten|kommenden|next|coming)\s+(?:paar\s+|few\s+|couple\s+of\s+)?(tage[n]?|wochen|monate[n]?|days|weeks|months)"):
        days = {"t": 7, "d": 7, "w": 42}.get(m.group(1)[0], 92)  # "in den nächsten Wochen": about six weeks
        return Period(_day(today, tz), _day(today + timedelta(days=days), tz), m.group())
    if m := found(rf"{_THIS}\s+monat|this\s+month"):
        start, end = _month(today.year, today.month, tz)
        return Period(_day(today, tz), end, m.group())
    if m := found(rf"{_NEXT}\s+monat|next\s+month"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return Period(*_month(year, month, tz), m.group())
    if m := found(r"(?:bis\s+(?:zum\s+)?(?:ende\s+des\s+jahres|jahresende)|dieses\s+jahr|this\s+year|end\s+of\s+the\s+year)"):
        return Period(_day(today, tz), _day(date(today.year + 1, 1, 1), tz), m.group())
    if m := found(rf"{_NEXT}\s+jahr|next\s+year"):
        return Period(_day(date(today.year + 1, 1, 1), tz), _day(date(today.year + 2, 1, 1), tz), m.group())
    if m := found(r"(?:am\s+|on\s+)?(\d{1,2})\.\s?(\d{1,2})\.(\d{2,4})?"):
        day, month = int(m.group(1)), int(m.group(2))
        year = int(m.group(3)) if m.group(3) else today.year
        year = year + 2000 if year < 100 else year
        try:
            when = date(year, month, day)
        except ValueError:
            when = None
        if when is not None:
            if not m.group(3) and when < today:
                when = date(year + 1, month, day)
            return Period(_day(when, tz), _day(when + timedelta(days=1), tz), m.group())
    if m := found(rf"(?:im\s+|in\s+(?:the\s+)?)?(?:q{_ORDINAL}|{_ORDINAL}\s+(?:quartal|quarter)|quarter\s+([1-4])"
                  rf"|(?:h([12])|{_ORDINAL}\s+(?:halbjahr|jahreshaelfte|half(?:\s+of)?)))(?:\s+des\s+jahres)?{_YEAR}"):
        quarter = next((g for g in m.groups()[:3] if g), None)
        half = next((g for g in m.groups()[3:5] if g), None)
        number = _ORDINALS[quarter] if quarter else _ORDINALS[half]
        first, months = ((number - 1) * 3 + 1, 3) if quarter else ((number - 1) * 6 + 1, 6)
        year = int(m.group(6)) if m.group(6) else today.year
        if not m.group(6) and _month(year, first, tz, months)[1] <= _day(today, tz):
            year += 1
        return Period(*_month(year, first, tz, months), m.group())
    if m := found(rf"(?:zwischen\s+|von\s+|from\s+|between\s+)?({_MONTH_NAMES})\.?\s*(?:und|bis|and|to|-|–)\s*"
                  rf"({_MONTH_NAMES})\.?{_YEAR}"):
        first, last = MONTHS[m.group(1)], MONTHS[m.group(2)]
        year = int(m.group(3)) if m.group(3) else (today.year if first >= today.month else today.year + 1)
        return Period(*_month(year, first, tz, (last - first) % 12 + 1), m.group())
    if m := found(rf"(?:bis|until|by)\s+(?:zum\s+|(?:ende|mitte|anfang)\s+|end\s+of\s+)?({_MONTH_NAMES})\.?{_YEAR}"):
        month = MONTHS[m.group(1)]
        year = int(m.group(2)) if m.group(2) else (today.year if month >= today.month else today.year + 1)
        return Period(_day(today, tz), _month(year, month, tz)[1], m.group())
    if m := found(rf"(?:im\s+|in\s+|ab\s+|from\s+)?({_MONTH_NAMES})\.?(?:\s+((?:19|20)\d\d))?"):
        month = MONTHS[m.group(1)]
        if m.group(1) == "may" and m.group() == "may":
            pass  # "may" alone is the English modal verb
        else:
            year = int(m.group(2)) if m.group(2) else (today.year if month >= today.month else today.year + 1)
            start, end = _month(year, month, tz)
            if m.group().startswith(("ab", "from")):
                end = _day(date(year + 1, month, 1), tz)
            return Period(start, end, m.group())
    if m := found(r"(?:im\s+|in\s+|in\s+the\s+)?(fruehjahr|fruehling|sommer|herbst|winter|spring|summer|autumn|fall)"
                  r"(?:\s+((?:19|20)\d\d)|\s+(?:des\s+)?((?:naechst|kommend)en\s+jahres|next\s+year))?"):
        first, last = SEASONS[m.group(1)]
        year = int(m.group(2)) if m.group(2) else today.year + 1 if m.group(3) else today.year  # "im Herbst nächsten Jahres"
        if not m.group(2) and not m.group(3) and _month(year, last, tz)[1] <= _day(today, tz) and first <= last:
            year += 1
        months = (last - first) % 12 + 1
        return Period(*_month(year, first, tz, months), m.group())
    if m := found(r"(?:im\s+jahr\s+|in\s+)?((?:20)\d\d)"):
        year = int(m.group(1))
        if today.year - 1 <= year <= today.year + 5:
            return Period(_day(date(year, 1, 1), tz), _day(date(year + 1, 1, 1), tz), m.group())
    return None
