"""The NRW municipality register (data/places) and its place matcher (knowledge/places.py)."""

from __future__ import annotations

import csv
import json
import math
import statistics
from collections import Counter
from pathlib import Path

import pytest

from knowledge.places import DEFAULT_DIR, MunicipalRegister, PlaceMention, default_register

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def register() -> MunicipalRegister:
    return default_register()


def _rows() -> list[dict[str, str]]:
    with (DEFAULT_DIR / "nrw_municipalities.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter=";"))


# ---------------------------------------------------------------- the data


def test_register_has_all_396_municipalities_with_unique_well_formed_ags() -> None:
    rows = _rows()
    assert len(rows) == 396
    assert len({r["ags"] for r in rows}) == 396
    assert len({r["name"] for r in rows}) == 396
    for r in rows:
        assert len(r["ags"]) == 8 and r["ags"].isdigit() and r["ags"].startswith("05"), r
        assert r["ags"][2] in "13579", r  # the five Regierungsbezirke
        assert r["kind"] in {"Stadt", "Gemeinde", "kreisfreie Stadt"}, r


def test_kreise_and_kreisfreie_staedte() -> None:
    rows = _rows()
    with (DEFAULT_DIR / "nrw_kreise.csv").open(encoding="utf-8", newline="") as fh:
        kreise = list(csv.DictReader(fh, delimiter=";"))
    assert len(kreise) == 31
    prefix = {k["name"]: k["key"] for k in kreise}
    kreisfrei = [r for r in rows if r["kind"] == "kreisfreie Stadt"]
    assert len(kreisfrei) == 23
    assert len(rows) - len(kreisfrei) == 373
    for r in rows:
        if r["kind"] == "kreisfreie Stadt" and r["name"] != "Aachen":
            assert r["kreis"] == r["name"] and r["ags"].endswith("000"), r
        else:
            assert r["ags"].startswith(prefix[r["kreis"]]), r
    aachen = next(r for r in rows if r["name"] == "Aachen")
    assert (aachen["ags"], aachen["kreis"]) == ("05334002", "Städteregion Aachen")
    seats = {r["name"] for r in rows}
    assert all(k["seat"] in seats for k in kreise)


def test_counts_per_kreis_as_published() -> None:
    counts = Counter(r["kreis"] for r in _rows())
    expected = {
        "Kreis Borken": 17, "Kreis Coesfeld": 11, "Kreis Lippe": 16, "Kreis Heinsberg": 10,
        "Kreis Steinfurt": 24, "Hochsauerlandkreis": 12, "Rhein-Sieg-Kreis": 19,
        "Kreis Recklinghausen": 10, "Städteregion Aachen": 10, "Kreis Olpe": 7, "Rhein-Kreis Neuss": 8,
        "Kreis Mettmann": 10, "Kreis Unna": 10, "Märkischer Kreis": 15, "Kreis Gütersloh": 13,
        "Kreis Paderborn": 10, "Ennepe-Ruhr-Kreis": 9, "Kreis Minden-Lübbecke": 11, "Kreis Wesel": 13,
        "Kreis Kleve": 16, "Kreis Düren": 15, "Kreis Soest": 14, "Kreis Warendorf": 13,
    }
    for kreis, n in expected.items():
        assert counts[kreis] == n, kreis
    kreise = default_register().kreise()
    assert len(kreise) == 31
    assert sum(counts[k] for k in kreise) == 374  # 373 kreisangehörige Gemeinden + Aachen
    assert all(counts[k] >= 7 for k in kreise)


def test_kreis_names_equal_those_of_the_sample_projects(register: MunicipalRegister) -> None:
    used = set()
    for line in (ROOT / "data/sample/projects.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            kreis = json.loads(line).get("kreis")
            if kreis:
                used.add(kreis)
    assert used, "sample projects name Kreise"
    known = set(register.kreise()) | {m.kreis for m in register.municipalities()}
    assert used <= known, used - known
    assert set(register.kreise()) == used  # the sample covers all 31 Kreise


def test_sample_project_municipalities_are_found(register: MunicipalRegister) -> None:
    for line in (ROOT / "data/sample/projects.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        project = json.loads(line)
        for name in project.get("municipalities") or []:
            if name in register.kreise():
                continue
            m = register.get(name)
            assert m is not None, name
            if project.get("kreis") in register.kreise() and m.kind != "kreisfreie Stadt":
                assert m.kreis == project["kreis"], (name, project["id"])


def test_coordinates_lie_in_nrw_and_near_their_kreis(register: MunicipalRegister) -> None:
    by_kreis: dict[str, list] = {}
    for m in register.municipalities():
        assert 50.3 < m.lat < 52.6 and 5.8 < m.lon < 9.5, m
        by_kreis.setdefault(m.kreis, []).append(m)
    for kreis, ms in by_kreis.items():
        lat = statistics.median(m.lat for m in ms)
        lon = statistics.median(m.lon for m in ms)
        for m in ms:
            km = math.hypot((m.lat - lat) * 111, (m.lon - lon) * 111 * math.cos(math.radians(lat)))
            assert km < 40, (kreis, m.name, km)


# ---------------------------------------------------------------- look-ups


def test_get_folds_case_and_umlauts(register: MunicipalRegister) -> None:
    assert register.get("Dülmen").ags == "05558016"
    assert register.get("duelmen").name == "Dülmen"
    assert register.get("DULMEN").name == "Dülmen"
    assert register.get("Havixbeck").kreis == "Kreis Coesfeld"
    assert register.get("Moenchengladbach").kind == "kreisfreie Stadt"
    assert register.get("Schloss Holte-Stukenbrock").name == "Schloß Holte-Stukenbrock"
    assert register.get("Halle").name == "Halle (Westf.)"
    assert register.get("Stolberg").name == "Stolberg (Rhld.)"
    assert register.get("Mülheim").name == "Mülheim an der Ruhr"
    assert register.get("Havixbek") is None  # get is exact; resolve forgives typos
    assert register.get("Hamburg") is None


@pytest.mark.parametrize(("typed", "name"), [
    ("Havixbek", "Havixbeck"), ("Rosendal", "Rosendahl"), ("Duelmen", "Dülmen"), ("Dulmen", "Dülmen"),
    ("Coesfled", "Coesfeld"), ("Mönchengladbach", "Mönchengladbach"), ("Moenchengladbach", "Mönchengladbach"),
    ("Monchengladbach", "Mönchengladbach"), ("Nottlun", "Nottuln"), ("Lüdinghausn", "Lüdinghausen"),
    ("Bad Berlebrug", "Bad Berleburg"), ("Schloss Holte Stukenbrok", "Schloß Holte-Stukenbrock"),
    ("Borkn", "Borken"), ("gütersloh", "Gütersloh"),
])
def test_resolve_forgives_typos(register: MunicipalRegister, typed: str, name: str) -> None:
    m = register.resolve(typed)
    assert m is not None and m.name == name


@pytest.mark.parametrize("typed", ["Hamburg", "Berlin", "Kreis", "xyz", "", "Stadt", "München"])
def test_resolve_says_none_when_unsure(register: MunicipalRegister, typed: str) -> None:
    assert register.resolve(typed) is None


@pytest.mark.parametrize(("typed", "kreis"), [
    ("Borkn", "Kreis Borken"), ("Kreis Borkn", "Kreis Borken"), ("Lipe", "Kreis Lippe"),
    ("Kreis Lippe", "Kreis Lippe"), ("Hochsauerland", "Hochsauerlandkreis"), ("HOCHSAUERLANDKREIS", "Hochsauerlandkreis"),
    ("Coesfled", "Kreis Coesfeld"), ("Kreis Coesfeld", "Kreis Coesfeld"), ("Märkischer Kreis", "Märkischer Kreis"),
    ("Maerkischer Kreis", "Märkischer Kreis"), ("Oberberg", "Oberbergischer Kreis"), ("Rhein-Sieg", "Rhein-Sieg-Kreis"),
    ("Kreis Neuss", "Rhein-Kreis Neuss"), ("Kreis Aachen", "Städteregion Aachen"), ("Städteregion", "Städteregion Aachen"),
    ("Minden-Lübbecke", "Kreis Minden-Lübbecke"), ("Kreis Gütersloh", "Kreis Gütersloh"), ("Münster", "Münster"),
    ("Ennepe-Ruhr", "Ennepe-Ruhr-Kreis"),
])
def test_resolve_kreis(register: MunicipalRegister, typed: str, kreis: str) -> None:
    assert register.resolve_kreis(typed) == kreis


def test_resolve_kreis_unknown(register: MunicipalRegister) -> None:
    assert register.resolve_kreis("Landkreis München") is None
    assert register.resolve_kreis("Kreis") is None


def test_in_kreis_neighbours_and_distance(register: MunicipalRegister) -> None:
    coesfeld = {m.name for m in register.in_kreis("Kreis Coesfeld")}
    assert coesfeld == {"Ascheberg", "Billerbeck", "Coesfeld", "Dülmen", "Havixbeck", "Lüdinghausen",
                        "Nordkirchen", "Nottuln", "Olfen", "Rosendahl", "Senden"}
    assert {m.name for m in register.in_kreis("coesfled")} == coesfeld
    assert [m.name for m in register.in_kreis("Münster")] == ["Münster"]
    assert register.in_kreis("Landkreis München") == []
    near = [m.name for m in register.neighbours("Havixbeck")]
    assert len(near) == 6 and "Havixbeck" not in near
    assert "Nottuln" in near[:3]
    assert [m.name for m in register.neighbours("Havixbek", k=1)] == [near[0]]
    km = register.distance_km("Köln", "Düsseldorf")
    assert km is not None and 30 < km < 40
    assert register.distance_km("Dülmen", "Dülmen") == 0
    assert register.distance_km("Köln", "Hamburg") is None


def test_load_from_another_folder(tmp_path: Path) -> None:
    (tmp_path / "nrw_municipalities.csv").write_text(
        "ags;name;kind;kreis;lat;lon\n05558020;Havixbeck;Gemeinde;Kreis Coesfeld;51.98;7.42\n"
        "05558036;Nottuln;Gemeinde;Kreis Coesfeld;51.93;7.35\n", encoding="utf-8")
    (tmp_path / "nrw_kreise.csv").write_text("key;name;seat\n05558;Kreis Coesfeld;Coesfeld\n", encoding="utf-8")
    small = MunicipalRegister.load(tmp_path)
    assert [m.name for m in small.municipalities()] == ["Havixbeck", "Nottuln"]
    assert small.kreise() == ["Kreis Coesfeld"]
    assert small.resolve("Havixbek").name == "Havixbeck"
    assert [m.municipality.name for m in small.find_in_text("Standesamt in Notuln")] == ["Nottuln"]
    same = MunicipalRegister.load(tmp_path / "nrw_municipalities.csv")
    assert len(same.municipalities()) == 2


def test_load_refuses_an_unknown_kind(tmp_path: Path) -> None:
    (tmp_path / "nrw_municipalities.csv").write_text(
        "ags;name;kind;kreis;lat;lon\n05558020;Havixbeck;Dorf;Kreis Coesfeld;51.98;7.42\n", encoding="utf-8")
    (tmp_path / "nrw_kreise.csv").write_text("key;name;seat\n05558;Kreis Coesfeld;Coesfeld\n", encoding="utf-8")
    with pytest.raises(ValueError, match="Dorf"):
        MunicipalRegister.load(tmp_path)


# ---------------------------------------------------------------- places in questions

NO_PLACE_QUESTIONS = [
    "Wie gründen wir einen Zweckverband für die Abwasserbeseitigung?",
    "Gibt es ein gemeinsames Standesamt mit einer Nachbargemeinde?",
    "Welche Kommunen haben ihren Bauhof zusammengelegt?",
    "Wie funktioniert die Vergabe bei einer interkommunalen Kooperation?",
    "Was regelt das GkG NRW zur öffentlich-rechtlichen Vereinbarung?",
    "Unterliegt die Kooperation der Umsatzsteuer nach § 2b UStG?",
    "Welche Fördermittel gibt es vom Land für IKZ-Projekte?",
    "Wie teilen wir die Kosten nach Einwohnerzahl auf?",
    "Wer ist Ansprechpartner für das Projekt zur Abfallentsorgung?",
    "Wann ist die nächste Veranstaltung zum Thema Digitalisierung?",
    "Gibt es Beispiele für ein gemeinsames Rechenzentrum?",
    "Wie gründet man eine gemeinsame Anstalt des öffentlichen Rechts?",
    "Können Kreis und Gemeinde eine Stadt gemeinsam beraten?",
    "Wie organisieren andere Kommunen die Abfallentsorgung gemeinsam?",
    "Was ist ein Shared Service Center?",
    "Welche Aufgaben eignen sich für interkommunale Zusammenarbeit?",
    "Wie lange dauert die Genehmigung durch die Kommunalaufsicht?",
    "Muss der Rat der Vereinbarung zustimmen?",
    "Wie ist die aktuelle Lage beim Glasfaserausbau?",
    "Wie ist die Lage bei der Personalgewinnung im Bauhof?",
    "Nach Lage der Dinge ist eine Kooperation sinnvoll.",
    "Können wir Bescheide digital senden?",
    "Wir senden die Unterlagen morgen an die Kommunalaufsicht.",
    "Wir kamen mit dem Zweckverband nicht weiter.",
    "Kamen die Unterlagen zur Vergabe schon an?",
    "Wie können Gemeinden enger zusammenarbeiten?",
    "An wen kann ich mich wenden, wenn die Kooperation scheitert?",
    "Wenden Sie sich bitte an die Geschäftsstelle.",
    "Welche Rolle spielt das Wetter beim Winterdienst?",
    "Das Unwetter hat den Bauhof stark gefordert.",
    "Der Wetterdienst warnt vor Glätte: wer streut die Kreisstraßen?",
    "Wie organisieren wir das Essen in der OGS gemeinsam?",
    "Kosten für Essen in Kitas gemeinsam ausschreiben?",
    "Kann das Schulessen gemeinsam vergeben werden?",
    "Wer liefert das Mittagessen für die Grundschulen?",
    "Essen-Lieferung für Schulen: gemeinsame Ausschreibung möglich?",
    "Müssen wir die Halle gemeinsam sanieren?",
    "Sporthalle gemeinsam betreiben – welche Rechtsform passt?",
    "Die Stadthalle wird mit Fördermitteln saniert.",
    "Wir haben lange Schlangen im Bürgerbüro, hilft eine Kooperation?",
    "Wie hoch sind die Löhne im Bauhof?",
    "Gibt es ein Muster für eine öffentlich-rechtliche Vereinbarung?",
    "Welche Flächen eignen sich für ein interkommunales Gewerbegebiet?",
    "Wie viele Schüler fahren mit dem Schulbus?",
    "Dürfen Kreise Aufgaben für Gemeinden übernehmen?",
    "Welche Kommunen, deren Haushalt defizitär ist, kooperieren?",
    "Sind Lizenzen für Fachverfahren auf den Zweckverband übertragbar?",
    "Wie melden wir ein Projekt für die Datenbank an?",
    "Brücken und Straßen gemeinsam unterhalten: geht das?",
    "Wie bewerten wir den Boden für neue Gewerbeflächen?",
    "Das alles zugleich umzusetzen ist schwer.",
    "Was gibt es Neues bei der Grundsteuerreform?",
    "Wie hoch ist das Alter der Fahrzeuge im Fuhrpark?",
    "Wer haftet bei Fehlern im gemeinsamen Rechenzentrum?",
    "Wie oft tagt die Verbandsversammlung?",
    "Welche Tarifverträge gelten für übergeleitetes Personal?",
    "Hamm wir sowas schon mal gemacht?",
    "Können Feuerwehren überörtlich zusammenarbeiten?",
    "Geht das auch für kleine Gemeinden unter 10.000 Einwohnern?",
    "Was ist der Unterschied zwischen Zweckverband und öffentlich-rechtlicher Vereinbarung?",
    "Welche Software nutzt ihr für die Vergabe?",
    "Wie kommunizieren wir die Kooperation gegenüber den Bürgern?",
    "gemeinsamer bauhof wie kosten verteilen",
    "standesamt zusammenlegen vorteile nachteile",
    "Wie sieht es im Münsterland mit Kooperationen aus?",
    "Gibt es im Sauerland und im Ruhrgebiet gemeinsame Projekte?",
    "Kooperation über den Rhein hinweg: geht das?",
    "Welche Kommunen sind Mitglied im Städtetag?",
    "Wie viel spart eine gemeinsame Beschaffung wirklich?",
    "Was muss in die Satzung eines Zweckverbands stehen?",
    "Index der Projekte nach Themen sortieren",
    "Sondern die Kommunen ihre Altakten gemeinsam aus?",
    "Wie wird eine Kläranlage gemeinsam betrieben?",
    "Welche Erfahrungen gibt es mit einem gemeinsamen Gutachterausschuss?",
    "Fehler beim Senden der E-Mail an die Nachbarkommune",
    "Die Datei ist zu groß zum Senden.",
    "Wo ist das Wenden der Müllfahrzeuge erlaubt?",
    "Gibt es Vorgaben für das Essen auf Rädern?",
    "Wie gehen wir mit schweren Fällen im Jugendamt um?",
    "Stellen wir Anträge gemeinsam oder jeder für sich?",
    "How do municipalities share costs for waste disposal?",
    "Which cooperation models exist for fire brigades?",
    "Is there funding for joint projects in the district?",
    "Hello, can you help me with a registry office question?",
]


@pytest.mark.parametrize("question", NO_PLACE_QUESTIONS)
def test_questions_without_places_yield_no_mention(register: MunicipalRegister, question: str) -> None:
    assert register.find_in_text(question) == []


def test_enough_negative_and_positive_examples() -> None:
    assert len(NO_PLACE_QUESTIONS) >= 60
    assert len(PLACE_QUESTIONS) >= 40


# (question, expected mentions as municipality name or "K:" + Kreis, in order)
PLACE_QUESTIONS: list[tuple[str, list[str]]] = [
    ("Gemeinsames Standesamt Nottuln und Havixbeck", ["Nottuln", "Havixbeck"]),
    ("Wie arbeitet Havixbek mit Nottuln zusammen?", ["Havixbeck", "Nottuln"]),
    ("Welche Projekte gibt es im Kreis Borken?", ["K:Kreis Borken"]),
    ("was läuft im kreis borkn?", ["K:Kreis Borken"]),
    ("Kooperationen im Kreis Lipe", ["K:Kreis Lippe"]),
    ("IKZ-Projekte in Lippe", ["K:Kreis Lippe"]),
    ("Standesamt in Rosendal", ["Rosendahl"]),
    ("Abfallberatung Kreis Coesfled", ["K:Kreis Coesfeld"]),
    ("Bauhof in Duelmen", ["Dülmen"]),
    ("bauhof dulmen kosten", ["Dülmen"]),
    ("Projekte in Mönchengladbach", ["Mönchengladbach"]),
    ("moenchengladbach digitalisierung", ["Mönchengladbach"]),
    ("Zusammenarbeit zwischen Bad Berleburg und Bad Laasphe", ["Bad Berleburg", "Bad Laasphe"]),
    ("Gibt es in Schloß Holte-Stukenbrock einen gemeinsamen Bauhof?", ["Schloß Holte-Stukenbrock"]),
    ("Schloss Holte-Stukenbrock und Verl teilen sich die Kläranlage", ["Schloß Holte-Stukenbrock", "Verl"]),
    ("Mülheim an der Ruhr und Oberhausen teilen sich ein Rechenzentrum", ["Mülheim an der Ruhr", "Oberhausen"]),
    ("Wie ist die Lage in Senden?", ["Senden"]),
    ("Senden und Lüdinghausen kooperieren beim Klärschlamm", ["Senden", "Lüdinghausen"]),
    ("Gemeinsame Vergabe von Essen und Bochum", ["Essen", "Bochum"]),
    ("Der Wetterdienst in Wetter (Ruhr) ist gemeinsam organisiert", ["Wetter (Ruhr)"]),
    ("Abfallberatung in Wetter", ["Wetter (Ruhr)"]),
    ("Was macht der Hochsauerlandkreis beim Rettungsdienst?", ["K:Hochsauerlandkreis"]),
    ("IKZ im Hochsauerland", ["K:Hochsauerlandkreis"]),
    ("Digitalisierung im Märkischen Kreis", ["K:Märkischer Kreis"]),
    ("Rhein-Sieg-Kreis und Rhein-Kreis Neuss vergleichen", ["K:Rhein-Sieg-Kreis", "K:Rhein-Kreis Neuss"]),
    ("Städteregion Aachen Digitalisierung", ["K:Städteregion Aachen"]),
    ("Kooperation Aachen Eschweiler", ["Aachen", "Eschweiler"]),
    ("Wie ist das in Halle (Westf.) geregelt?", ["Halle (Westf.)"]),
    ("in halle gibt es ein gemeinsames Standesamt", ["Halle (Westf.)"]),
    ("Kamen, Bergkamen und Bönen teilen sich den Bauhof", ["Kamen", "Bergkamen", "Bönen"]),
    ("Wie kooperieren Lage und Detmold?", ["Lage", "Detmold"]),
    ("Gemeinsames Rechenzentrum für Hamm und Unna", ["Hamm", "Unna"]),
    ("Projekte aus Essen", ["Essen"]),
    ("Schulverband in Alpen und Sonsbeck", ["Alpen", "Sonsbeck"]),
    ("Wie macht es Werne?", ["Werne"]),
    ("Kläranlage in Enger", ["Enger"]),
    ("Standesamt Wenden und Olpe", ["Wenden", "Olpe"]),
    ("Gibt es in Much einen Bürgerbus?", ["Much"]),
    ("im Kreis Steinfurt in Greven", ["K:Kreis Steinfurt", "Greven"]),
    ("Projekte im Kreis Siegen-Wittgenstein", ["K:Kreis Siegen-Wittgenstein"]),
    ("Ennepe-Ruhr-Kreis: Gevelsberg und Schwelm", ["K:Ennepe-Ruhr-Kreis", "Gevelsberg", "Schwelm"]),
    ("Kooperationen in Köln, Bonn und Leverkusen", ["Köln", "Bonn", "Leverkusen"]),
    ("koeln und duesseldorf", ["Köln", "Düsseldorf"]),
    ("Castrop-Rauxel und Herne", ["Castrop-Rauxel", "Herne"]),
    ("Gibt es in Bad Münstereifel ein gemeinsames Standesamt?", ["Bad Münstereifel"]),
    ("Zweckverband in Rheda-Wiedenbrück", ["Rheda-Wiedenbrück"]),
    ("Trauungen im Havixbecker Rathaus", ["Havixbeck"]),
    ("Wie viele Gemeinden hat der Kreis Heinsberg?", ["K:Kreis Heinsberg"]),
    ("Projekte des Kreises Coesfeld", ["K:Kreis Coesfeld"]),
    ("in gütersloh und bielefeld", ["Gütersloh", "Bielefeld"]),
    ("St. Augustin und Siegburg", ["Sankt Augustin", "Siegburg"]),
    ("Uebach-Palenberg Bauhof", ["Übach-Palenberg"]),
    ("Standesamt in Steinfrut", ["Steinfurt"]),
    ("Standesamt Nottlun", ["Nottuln"]),
    ("Ahaus, Heek und Legden", ["Ahaus", "Heek", "Legden"]),
    ("Oer-Erkenschwick Feuerwehr", ["Oer-Erkenschwick"]),
    ("Pr. Oldendorf und Porta Westfalica", ["Preußisch Oldendorf", "Porta Westfalica"]),
    ("Was macht Horn-Bad Meinberg?", ["Horn-Bad Meinberg"]),
    ("im Rhein-Erft-Kreis in Hürth", ["K:Rhein-Erft-Kreis", "Hürth"]),
    ("Bergisch Gladbach und Overath", ["Bergisch Gladbach", "Overath"]),
    ("Emmerich am Rhein und Kleve", ["Emmerich am Rhein", "Kleve"]),
    ("Wat läuft in Kölle?", ["Köln"]),
    ("Münster und Greven", ["Münster", "Greven"]),
    ("MÜNSTER STANDESAMT", ["Münster"]),
    ("Die Stadt Essen und die Gemeinde Senden", ["Essen", "Senden"]),
    ("Gibt es in Dülmen und Coesfled gemeinsame Projekte?", ["Dülmen", "Coesfeld"]),
    ("Rosendahl, Billerbeck, Havixbeck", ["Rosendahl", "Billerbeck", "Havixbeck"]),
    ("Which projects exist in the district of Borken?", ["K:Kreis Borken"]),
    ("shared registry office in Cologne and Bonn", ["Köln", "Bonn"]),
    ("Is there a joint building yard in Havixbek?", ["Havixbeck"]),
    ("Klärschlamm Lüdinghausen–Senden", ["Lüdinghausen", "Senden"]),
    ("Gemeinsames Standesamt Nieheim–Marienmünster–Steinheim", ["Nieheim", "Marienmünster", "Steinheim"]),
    ("Kreis Detmold", ["K:Kreis Lippe"]),
]


def _label(m: PlaceMention) -> str:
    return m.municipality.name if m.municipality is not None else f"K:{m.kreis}"


@pytest.mark.parametrize(("question", "expected"), PLACE_QUESTIONS)
def test_questions_with_places_yield_exactly_those(register: MunicipalRegister, question: str, expected: list[str]) -> None:
    assert [_label(m) for m in register.find_in_text(question)] == expected


def test_mention_carries_span_text_and_kreis(register: MunicipalRegister) -> None:
    question = "Standesamt in Borkn und im Kreis Lipe"
    first, second = register.find_in_text(question)
    assert (first.text, question[first.start:first.end]) == ("Borkn", "Borkn")
    assert first.municipality.name == "Borken" and first.kreis == "Kreis Borken"
    assert second.text == "Kreis Lipe" and second.municipality is None and second.kreis == "Kreis Lippe"
    [aachen] = register.find_in_text("Projekte in Aachen")
    assert aachen.municipality.kind == "kreisfreie Stadt" and aachen.kreis == "Städteregion Aachen"
    [muenster] = register.find_in_text("Projekte in Münster")
    assert muenster.kreis == "Münster"
    [wetter] = register.find_in_text("in Wetter (Ruhr) gibt es")
    assert wetter.text == "Wetter (Ruhr)"


def test_common_words_guard_ordinary_words_but_no_place_names(register: MunicipalRegister) -> None:
    words = (DEFAULT_DIR / "common_words.txt").read_text(encoding="utf-8").split()
    assert {"deren", "duerfen", "muster", "flaechen", "sondern", "rhein"} <= set(words)
    assert not [w for w in words if register.get(w) is not None]
    assert not {"borkn", "havixbek", "coesfled", "rosendal", "lipe", "nottlun"} & set(words)


def test_no_mentions_inside_compounds(register: MunicipalRegister) -> None:
    for text in ["Schulessen", "Sporthalle", "Unwetter", "Stadthalle Münsterland", "Essensausgabe",
                 "Rheinland", "Lippetaler", "Bergkamener", "Alpenverein"]:
        found = [_label(m) for m in register.find_in_text(text)]
        assert found in ([], ["Lippetal"], ["Bergkamen"]), (text, found)
