"""Split items into searchable passages along their structure.

Documents are split into sections by headings (markdown ``#`` headings, and plain-text headings
such as ``3.2 Fördersätze``, ``Abschnitt 3: …`` or ``§ 57 Schriftform``). Statute sections are split
further into their Absätze (``(2) …``) or numbered items (``8. …``), so every passage knows its
place: ``§ 59 Abs. 2``. Other sections are packed paragraph by paragraph into passages of about
``size`` words; a paragraph longer than that is cut into sentence-aligned, overlapping windows.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from knowledge.plain_text import clean_markup, split_sentences


@dataclass(frozen=True)
class ChunkDraft:
    ordinal: int
    section: str
    text: str
    embed_text: str

    @property
    def content_hash(self) -> str:
        return content_hash(self.embed_text)


@dataclass(frozen=True)
class Passage:
    """A unit of a section: its citation (``§ 59 Abs. 2`` or the heading) and plain text."""

    citation: str
    text: str


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_STATUTE_HEADING = re.compile(r"^(§{1,2}\s*\d+[a-z]?|Art(?:ikel|\.)\s*\d+[a-z]?)(?:\s+(.{0,160}))?$")
_PLAIN_HEADINGS = (
    re.compile(r"^(?:Abschnitt|Kapitel|Teil|Anlage|Anhang)\s+[\dIVX]+[a-z]?\b[:.]?\s*.{0,100}$"),
    re.compile(r"^\d{1,2}(?:\.\d{1,2}){0,3}\.?\s+[A-ZÄÖÜ][^\n]{0,90}$"),
)
_CITATION = re.compile(r"^(§{1,2}\s*\d+[a-z]?|Art(?:ikel|\.)\s*\d+[a-z]?)\b")
_ABSATZ = re.compile(r"^\((\d{1,2}[a-z]?)\)\s")
_NUMBERED_ITEM = re.compile(r"^(\d{1,3}[a-z]?)\.(?:\s|$)")
_REPEALED = re.compile(r"(?:\(\d{1,2}[a-z]?\)|\d{1,3}[a-z]?\.)?\s*\((?:weggefallen|aufgehoben)\)\s*")


_CONTINUES = re.compile(r"(?:,|\b(?:und|oder|sowie|bzw\.|insbesondere|wenn|dass|die|der|das))$")


def _is_plain_heading(line: str, previous_blank: bool, next_blank: bool, *, in_statute: bool = False) -> bool:
    """A short line standing alone that reads like a heading (no sentence punctuation at the end).
    Inside a statute's § the numbered lines are its Nummern ("3. Vereinigungen, …"), not headings."""
    stripped = line.strip()
    if not stripped or not previous_blank or not next_blank or len(stripped.split()) > 14:
        return False
    if stripped[-1] in ".,;:" and not re.match(r"^(?:Abschnitt|Kapitel|Teil)\s", stripped):
        return False
    if _STATUTE_HEADING.match(stripped):
        return True
    if in_statute and not _PLAIN_HEADINGS[0].match(stripped):
        return False
    if _CONTINUES.search(stripped):  # "3. Vereinigungen, soweit ihnen ein Recht zustehen kann, und"
        return False
    return any(p.match(stripped) for p in _PLAIN_HEADINGS)


def split_sections(text: str) -> list[tuple[str, str]]:
    """(heading, body) pairs; text before the first heading has ''. Empty sections are dropped."""
    lines = text.splitlines()
    sections: list[tuple[str, list[str]]] = [("", [])]
    for number, line in enumerate(lines):
        markdown = _MARKDOWN_HEADING.match(line.strip())
        previous_blank = number == 0 or not lines[number - 1].strip()
        next_blank = number + 1 >= len(lines) or not lines[number + 1].strip()
        if markdown:
            sections.append((markdown.group(1).strip(), []))
        elif _is_plain_heading(line, previous_blank, next_blank,
                               in_statute=citation_of(sections[-1][0]) is not None):
            sections.append((line.strip().rstrip(":"), []))
        else:
            sections[-1][1].append(line)
    out = [(heading, "\n".join(body).strip()) for heading, body in sections]
    return [(h, b) for h, b in out if b]


def _blocks(body: str) -> list[str]:
    """Paragraphs (blank-line separated), each with its first line's indentation kept."""
    return [block for block in re.split(r"\n\s*\n", body) if block.strip()]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def section_passages(heading: str, body: str) -> list[Passage]:
    """A section's units: Absätze or numbered items of a statute, else the paragraphs."""
    body = clean_markup(body)
    blocks = _blocks(body)
    cite = citation_of(heading)
    if cite is None:
        return [Passage(heading, _flat(block)) for block in blocks]
    units: list[tuple[str, list[str]]] = [(cite, [])]
    has_absatz = any(_ABSATZ.match(block.lstrip()) for block in blocks)
    for block in blocks:
        first = block.lstrip()
        indented = block[:1] in " \t"
        absatz = _ABSATZ.match(first)
        item = _NUMBERED_ITEM.match(first) if not has_absatz and not indented else None
        if absatz:
            units.append((f"{cite} Abs. {absatz.group(1)}", [block]))
        elif item:
            units.append((f"{cite} Nr. {item.group(1)}", [block]))
        else:
            units[-1][1].append(block)
    passages = [Passage(label, _flat("\n\n".join(parts))) for label, parts in units if parts]
    if len(passages) > 1 and _LABEL.fullmatch(passages[0].text):
        del passages[0]  # "Mustertext:" before Abs. 1 says nothing by itself
    return [p for p in passages if not _REPEALED.fullmatch(p.text)]


_LABEL = re.compile(r"(?:\S+\s+){0,3}\S+:")  # a short label before the text it introduces


# where a long enumerating sentence may be cut: before an item "2. für …" that follows a "," or ";"
_ITEM_START = re.compile(r"(?<=[,;])\s+(?=\d{1,2}[a-z]?\.\s)")


def sentence_windows(text: str, size: int, overlap: int) -> list[str]:
    """Sentence-aligned windows of about ``size`` words; the next window repeats trailing
    sentences of up to ``overlap`` words. A sentence longer than ``size`` is cut before its
    enumerated items ("…, 3. für …"), and an item still too long into word windows."""
    sentences: list[str] = []
    for sentence in split_sentences(text):
        words = sentence.split()
        if len(words) > size + size // 3:
            sentences.extend(piece for part in _ITEM_START.split(sentence) for piece in word_windows(part, size, overlap))
        else:
            sentences.append(sentence)
    if sum(len(s.split()) for s in sentences) <= size + size // 3:
        return [" ".join(sentences)] if sentences else []
    windows: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences:
        n = len(sentence.split())
        if current and count + n > size:
            windows.append(" ".join(current))
            carried: list[str] = []
            carried_words = 0
            for previous in reversed(current):
                m = len(previous.split())
                if carried_words + m > overlap:
                    break
                carried.insert(0, previous)
                carried_words += m
            current, count = carried, carried_words
        current.append(sentence)
        count += n
    if current:
        tail = " ".join(current)
        if windows and count < size // 3 and not set(current) <= set(split_sentences(windows[-1])):
            windows[-1] = _join_tail(windows[-1], current)
        elif not windows or not set(current) <= set(split_sentences(windows[-1])):
            windows.append(tail)
    return windows


def _join_tail(window: str, tail: list[str]) -> str:
    """Append the tail's sentences that the window does not already end with."""
    have = split_sentences(window)
    extra = [s for s in tail if s not in have]
    return " ".join([window, *extra])


def word_windows(text: str, size: int, overlap: int) -> list[str]:
    """Windows of about ``size`` words overlapping by ``overlap``; a short tail joins the last window."""
    words = text.split()
    if len(words) <= size + size // 3:
        return [" ".join(words)] if words else []
    step = max(1, size - overlap)
    windows = []
    start = 0
    while start < len(words):
        end = start + size
        if len(words) - end < size // 3:  # avoid a tiny last window
            end = len(words)
        windows.append(" ".join(words[start:end]))
        if end >= len(words):
            break
        start += step
    return windows


def _packed(passages: list[Passage], size: int, overlap: int) -> list[Passage]:
    """Short consecutive passages of one citation joined up to ``size`` words; long ones windowed."""
    out: list[Passage] = []
    for passage in passages:
        words = len(passage.text.split())
        previous = out[-1] if out else None
        if (
            previous is not None
            and previous.citation == passage.citation
            and not _CITATION.match(passage.citation)
            and len(previous.text.split()) + words <= size
        ):
            out[-1] = Passage(previous.citation, f"{previous.text} {passage.text}")
            continue
        if words > size + size // 3:
            out.extend(Passage(passage.citation, w) for w in sentence_windows(passage.text, size, overlap))
        else:
            out.append(passage)
    return out


def chunk_document(title: str, text: str, *, size: int = 110, overlap: int = 25) -> list[ChunkDraft]:
    """Passages along the document's structure; each embedded with title and heading as context."""
    chunks: list[ChunkDraft] = []
    for heading, body in split_sections(text) or [("", text)]:
        cite = citation_of(heading)
        # statutes: the law's name ("Umsatzsteuergesetz (UStG)"), not the whole title of the excerpt
        name = title.split(" – ")[0] if cite else title
        for passage in _packed(section_passages(heading, body), size, overlap):
            context = f"{name} – {heading}" if heading else title
            if cite and passage.citation != cite:
                context += f" ({passage.citation.removeprefix(cite).strip()})"
            chunks.append(ChunkDraft(len(chunks), passage.citation, passage.text, f"{context}: {passage.text}"))
    return chunks


def citation_of(heading: str) -> str | None:
    """"§ 2b" for a statute heading such as "§2b Juristische Personen …", else None."""
    match = _CITATION.match(heading.strip())
    if match is None:
        return None
    return re.sub(r"^(§{1,2})\s*", r"\1 ", re.sub(r"\s+", " ", match.group(1)))


def statute_name(title: str) -> str:
    """The short name of a law from a document title: "Verwaltungsverfahrensgesetz (VwVfG) – …" → "VwVfG"."""
    match = re.search(r"\((?:[^()]*?[-–]\s*)?([A-ZÄÖÜ][\wÄÖÜäöüß.]{1,14}(?: [A-ZÄÖÜ]{2,4})?)\)", title)
    return match.group(1).strip() if match else title


def single_chunk(embed_text: str, display_text: str, section: str = "") -> list[ChunkDraft]:
    return [ChunkDraft(0, section, display_text, embed_text)]
