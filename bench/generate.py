"""Realistic synthetic prosecutions in our model, for benchmarks only (never for data/).

    python -m bench.generate --prosecutions 100000 --out DIR [--seed 1]

Writes DIR/data/*.trig (the law, a register of courts, colonies and officials, then bulletins)
and DIR/manifest.json (counts, and answers known from the generator: rows expected per query).
The same seed gives the same files. Cases have one to eight defendants (two on average); each
prosecution has one to three charges under real articles or their parts; half the cases reach a
verdict with a sentence per defendant; some appeals reduce a sentence (a new version replacing
the old one, reported in a later source); events are dated in order; one person in twenty is
charged again in a later case. Each synthetic source document is a named graph: a bulletin
describes ten cases, and its update graph the appeals in them. About 18.6 asserted triples per
prosecution (the shapes require a label on every case, charge and event): 100 thousand
prosecutions make 1.86 million.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TypeVar

from .names import Name, draw, slug
from .turtle import HEADER, Graph, expand, lit, typed
from .world import MILITARY, PUBLISHER, Provision, Region, World, build, describe_person, source

CASES_PER_BULLETIN = 10
PROSECUTIONS_PER_FILE = 5000
LAST_DAY = dt.date(2024, 6, 30).toordinal()
FIRST_DAY = dt.date(2012, 1, 1).toordinal()
DEFENDANTS = [(1, 45), (2, 20), (3, 13), (4, 9), (5, 6), (6, 4), (8, 3)]
PENALTIES = [
    ("imprisonment", 72),
    ("suspended-sentence", 10),
    ("fine", 12),
    ("compulsory-labour", 3),
    ("restriction-of-freedom", 3),
]
REGIMES = [("general", 6), ("strict", 3), ("colony-settlement", 1)]
T = TypeVar("T")


@dataclass
class Manifest:
    prosecutions: int = 0
    persons: int = 0
    cases: int = 0
    charges: int = 0
    sentences: int = 0
    reduced: int = 0
    graphs: int = 0
    quads: int = 0
    files: list[str] = field(default_factory=list)
    # article -> [persons, prosecutions, charges] under it or a part of it (article-stats)
    article_stats: dict[str, list[int]] = field(default_factory=dict)
    # article -> distinct (person, case) pairs under it: the rows of prisoners-by-article
    article_rows: dict[str, int] = field(default_factory=dict)
    most_frequent_article: str = ""
    sample_person: str = ""  # preferably a person whose sentence was reduced: two versions
    sample_person_sentences: int = 0  # rows of the sentences query for that person


@dataclass
class _Person:
    iri: str
    name: Name


@dataclass
class _Tally:
    """What the generator knows the named queries must answer."""

    persons: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    prosecutions: Counter[str] = field(default_factory=Counter)
    charges: Counter[str] = field(default_factory=Counter)
    rows: dict[str, set[tuple[str, str]]] = field(default_factory=lambda: defaultdict(set))
    # person -> [(articles charged, sentence versions)] for each of their prosecutions
    sentenced: dict[str, list[list[int]]] = field(default_factory=lambda: defaultdict(list))
    sample: str | None = None  # the first person whose sentence was reduced
    sentenced_person: str | None = None  # the first person sentenced at all


def _pick(rng: random.Random, weighted: Sequence[tuple[T, int]]) -> T:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _day(ordinal: int) -> str:
    return typed(dt.date.fromordinal(ordinal).isoformat(), "date")


def _term(months: int) -> str:
    years, rest = divmod(months, 12)
    return typed("P" + (f"{years}Y" if years else "") + (f"{rest}M" if rest else ""), "duration")


def _start(provision: Provision) -> int:
    """The first day an act under the provision can be dated: after its introduction."""
    if provision.introduced is None:
        return FIRST_DAY
    year, _, month = provision.introduced.partition("-")
    return dt.date(int(year) + (0 if month else 1), int(month or 1), 1).toordinal() + 31


@dataclass
class _Prosecution:
    iri: str
    person: _Person
    counts: list[int]  # [articles charged, sentence versions], shared with the tally


@dataclass
class _Sentence:
    iri: str
    penalty: str
    months: int


class Cases:
    """Draws cases one after another into bulletin graphs, keeping the tally."""

    def __init__(self, world: World, rng: random.Random, prefix: str = "") -> None:
        self.world = world
        self.rng = rng
        self.prefix = prefix  # keeps the IRIs of a submission apart from the store's
        self.tally = _Tally()
        self.manifest = Manifest()
        self.people: list[_Person] = []
        self.earlier = 0

    def bulletin(self, number: int, budget: int) -> tuple[list[Graph], int]:
        """One bulletin (and its update graph) of up to ten cases and `budget` prosecutions."""
        name = f"{self.prefix}bulletin-{number}"
        main = Graph(f"src:synthetic-{name}")
        update = Graph(f"src:synthetic-{name}-update")
        used = 0
        for _ in range(CASES_PER_BULLETIN):
            if used >= budget:
                break
            defendants = min(_pick(self.rng, DEFENDANTS), budget - used)
            self.case(main, update, defendants)
            used += defendants
        label = f"Synthetic bulletin {self.prefix}{number}"
        source(main, f"{label} (benchmark data)")
        graphs = [main]
        if update.lines:
            source(update, f"{label}, update (benchmark data)")
            graphs.append(update)
        return graphs, used

    def case(self, main: Graph, update: Graph, defendants: int) -> None:
        rng, world = self.rng, self.world
        self.manifest.cases += 1
        number = self.manifest.cases
        article = rng.choices(world.articles, world.weights)[0]
        act = rng.randint(_start(world.provisions[article][0]), LAST_DAY - 400)
        region: Region = rng.choice(world.regions)
        case = f"case:{self.prefix}{article.replace('.', '-')}-{number}"
        theme = world.theme(article)
        main.add(
            case,
            ("a", "ppkg:CriminalCase"),
            ("rdfs:label", lit(f"Criminal case No. {number} ({region.en})", "en")),
            ("ppkg:theme", [f"theme:{theme}"] if theme and rng.random() < 0.5 else []),
        )
        self.earlier = len(self.people)  # persons of earlier cases
        accused = [self.prosecution(main, case, article, act) for _ in range(defendants)]
        if rng.random() < 0.5:
            self.verdict(main, update, _Case(case, number, article, region, accused), act)

    def person(self, graph: Graph) -> _Person:
        if self.earlier and self.rng.random() < 0.05:  # charged again, in another case
            return self.people[self.rng.randrange(self.earlier)]
        name = draw(self.rng)
        self.manifest.persons += 1
        person = _Person(f"person:{self.prefix}{slug(name.en)}-{self.manifest.persons}", name)
        describe_person(graph, person.iri, name)
        self.people.append(person)
        return person

    def prosecution(self, graph: Graph, case: str, article: str, act: int) -> _Prosecution:
        rng, world = self.rng, self.world
        person = self.person(graph)
        self.manifest.prosecutions += 1
        iri = f"pros:{person.iri[7:]}-c{case.rsplit('-', 1)[1]}"
        articles = [article]
        while len(articles) < 3 and rng.random() < 0.1:
            other = rng.choices(world.articles, world.weights)[0]
            if other not in articles and _start(world.provisions[other][0]) <= act:
                articles.append(other)
        charges = [
            self.charge(graph, f"charge:{iri[5:]}-{i}", a, person, act)
            for i, a in enumerate(articles, 1)
        ]
        for charged in articles:
            self.tally.charges[charged] += 1
            self.tally.prosecutions[charged] += 1
            self.tally.persons[charged].add(person.iri)
            self.tally.rows[charged].add((person.iri, case))
        graph.add(
            iri,
            ("a", "ppkg:Prosecution"),
            ("ppkg:defendant", person.iri),
            ("ppkg:case", case),
            ("ppkg:charge", charges),
        )
        if rng.random() < 0.2:
            graph.add(
                f"event:{iri[5:]}-arrest",
                ("a", "ppkg:Arrest"),
                ("rdfs:label", lit(f"Arrest of {person.name.en}", "en")),
                ("ppkg:date", _day(act + rng.randint(5, 120))),
                ("ppkg:prosecution", iri),
            )
        counts = [len(articles), 0]
        self.tally.sentenced[person.iri].append(counts)
        return _Prosecution(iri, person, counts)

    def charge(self, graph: Graph, iri: str, article: str, person: _Person, act: int) -> str:
        self.manifest.charges += 1
        options = self.world.provisions[article]
        use_part = len(options) > 1 and self.rng.random() < 0.7
        provision = self.rng.choice(options[1:]) if use_part else options[0]
        graph.add(
            iri,
            ("a", "ppkg:Charge"),
            ("rdfs:label", lit(f"Charge under {provision.label} against {person.name.en}", "en")),
            ("ppkg:provision", provision.iri),
            ("ppkg:actDate", [_day(act)] if self.rng.random() < 0.1 else []),
        )
        return iri

    def verdict(self, main: Graph, update: Graph, case: _Case, act: int) -> None:
        rng, world = self.rng, self.world
        military = case.article in MILITARY
        court = world.military_court if military else rng.choice(case.region.courts)
        day = act + 130 + rng.randint(0, 400)
        verdict = f"event:{case.iri[5:]}-verdict"
        main.add(
            verdict,
            ("a", "ppkg:Verdict"),
            (
                "rdfs:label",
                lit(f"Verdict of the {world.court_labels[court]}, case {case.number}", "en"),
            ),
            ("ppkg:date", _day(day)),
            ("ppkg:court", court),
            ("ppkg:prosecution", [p.iri for p in case.accused]),
        )
        long_terms = military or case.article.startswith("275")
        sentences = [self.sentence(main, p, verdict, long_terms) for p in case.accused]
        for accused, sentence in zip(case.accused, sentences, strict=True):
            if sentence.penalty != "imprisonment":
                continue
            if rng.random() < 0.4:
                main.add(accused.person.iri, ("ppkg:detainedAt", rng.choice(case.region.colonies)))
            if rng.random() < 0.08:
                main.add(
                    f"recog:{accused.iri[5:]}-synthetic-monitor",
                    ("a", "ppkg:Recognition"),
                    ("ppkg:recognised", accused.person.iri),
                    ("ppkg:status", "status:political-prisoner"),
                    ("ppkg:recognisedBy", PUBLISHER),
                    ("ppkg:date", _day(day + rng.randint(1, 60))),
                )
        if rng.random() < 0.4:
            appeal_court = world.military_appeal_court if military else case.region.appeal_court
            self.appeal(update, case, verdict, appeal_court, day, sentences)

    def sentence(self, graph: Graph, accused: _Prosecution, decision: str, long: bool) -> _Sentence:
        rng = self.rng
        penalty = _pick(rng, PENALTIES)
        months = 0
        if penalty == "imprisonment":
            months = rng.randint(60, 240) if long else rng.randint(12, 96)
        elif penalty != "fine":
            months = rng.randint(6, 48)
        iri = f"sentence:{accused.iri[5:]}-v1"
        regime = penalty == "imprisonment" and rng.random() < 0.3
        graph.add(
            iri,
            ("a", "ppkg:Sentence"),
            ("ppkg:penaltyType", f"penalty:{penalty}"),
            ("ppkg:term", [_term(months)] if months else []),
            ("ppkg:regime", [f"regime:{_pick(rng, REGIMES)}"] if regime else []),
            ("ppkg:imposedBy", decision),
        )
        graph.add(accused.iri, ("ppkg:sentence", iri))
        self.manifest.sentences += 1
        accused.counts[1] += 1
        self.tally.sentenced_person = self.tally.sentenced_person or accused.person.iri
        return _Sentence(iri, penalty, months)

    def appeal(
        self,
        graph: Graph,
        case: _Case,
        verdict: str,
        court: str,
        verdict_day: int,
        sentences: list[_Sentence],
    ) -> None:
        """An appeal ruling, reported in the bulletin's update: it upholds or reduces."""
        rng = self.rng
        appeal = f"event:{case.iri[5:]}-appeal"
        upheld, reduced = [], []
        for accused, old in zip(case.accused, sentences, strict=True):
            if old.months > 1 and rng.random() < 0.3:
                cut = rng.randint(1, min(old.months - 1, 24))
                reduced.append(
                    (accused, _Sentence(old.iri[:-1] + "2", old.penalty, old.months - cut), old)
                )
            else:
                upheld.append(old.iri)
        outcome = "reduces sentences" if reduced else "upholds the verdict"
        court_label = self.world.court_labels[court]
        graph.add(
            appeal,
            ("a", "ppkg:Appeal"),
            (
                "rdfs:label",
                lit(f"Appeal ruling of the {court_label}, case {case.number}: {outcome}", "en"),
            ),
            ("ppkg:date", _day(verdict_day + rng.randint(40, 200))),
            ("ppkg:court", court),
            ("ppkg:prosecution", [p.iri for p in case.accused]),
            ("ppkg:upholds", [verdict, *upheld]),
        )
        for accused, new, old in reduced:
            graph.add(
                new.iri,
                ("a", "ppkg:Sentence"),
                ("ppkg:penaltyType", f"penalty:{new.penalty}"),
                ("ppkg:term", _term(new.months)),
                ("ppkg:imposedBy", appeal),
                ("ppkg:replaces", old.iri),
            )
            graph.add(accused.iri, ("ppkg:sentence", new.iri))
            self.manifest.sentences += 1
            self.manifest.reduced += 1
            accused.counts[1] += 1
            self.tally.sample = self.tally.sample or accused.person.iri

    def finish(self) -> Manifest:
        m, t = self.manifest, self.tally
        m.article_stats = {
            a: [len(t.persons[a]), t.prosecutions[a], t.charges[a]] for a in self.world.articles
        }
        m.article_rows = {a: len(t.rows[a]) for a in self.world.articles}
        m.most_frequent_article = max(m.article_rows, key=lambda a: (m.article_rows[a], a))
        sample = t.sample or t.sentenced_person or (self.people[0].iri if self.people else None)
        if sample:
            m.sample_person = expand(sample)
            # One row per sentence version and article charged, for each of their prosecutions.
            m.sample_person_sentences = sum(a * s for a, s in t.sentenced[sample])
        return m


@dataclass
class _Case:
    iri: str
    number: int
    article: str
    region: Region
    accused: list[_Prosecution]


def chunks(cases: Cases, prosecutions: int) -> Iterator[tuple[str, list[Graph]]]:
    """(file stem, graphs) in order: the law and the register, then bulletins in files."""
    yield "synthetic-law", cases.world.graphs[:1]
    yield "synthetic-register", cases.world.graphs[1:]
    written, bulletin, file_number = 0, 0, 0
    while written < prosecutions:
        file_number += 1
        graphs: list[Graph] = []
        in_file = 0
        while in_file < PROSECUTIONS_PER_FILE and written < prosecutions:
            bulletin += 1
            budget = min(prosecutions - written, PROSECUTIONS_PER_FILE - in_file)
            new, used = cases.bulletin(bulletin, budget)
            graphs += new
            written += used
            in_file += used
        yield f"synthetic-{file_number:04d}", graphs


def generate(prosecutions: int, out: Path, seed: int = 1) -> Manifest:
    """Write out/data/*.trig and out/manifest.json; return the manifest."""
    data = out / "data"
    data.mkdir(parents=True, exist_ok=True)
    cases = Cases(build(seed), random.Random(seed))
    files, graphs, quads = [], 0, 0
    for stem, content in chunks(cases, prosecutions):
        path = data / f"{stem}.trig"
        path.write_text(HEADER + "".join(g.text() for g in content), "utf-8")
        files.append(path.name)
        graphs += len(content)
        quads += sum(g.triples for g in content)
    manifest = cases.finish()
    manifest.files, manifest.graphs, manifest.quads = files, graphs, quads
    (out / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2), "utf-8")
    return manifest


def write(path: Path, prosecutions: int, seed: int = 1) -> None:
    """Everything in one TriG file (for bench.inference)."""
    cases = Cases(build(seed), random.Random(seed))
    with path.open("w", encoding="utf-8") as out:
        out.write(HEADER)
        for _, content in chunks(cases, prosecutions):
            out.writelines(g.text() for g in content)


def submission(seed: int = 1, triples: int = 1000) -> tuple[str, int]:
    """A partner's new bulletin (TriG) of at least `triples` triples: new persons and cases that
    cite the courts, colonies and articles already in a store generated with the same seed."""
    cases = Cases(build(seed), random.Random(seed + 1), prefix="submitted-")
    main = Graph("src:synthetic-submitted-bulletin")
    update = Graph("src:synthetic-submitted-bulletin-update")
    while (missing := triples - main.triples - update.triples - 10) > 0:
        cases.case(main, update, _pick(cases.rng, DEFENDANTS) if missing > 150 else 1)
    source(main, "Synthetic submitted bulletin (benchmark data)")
    graphs = [main]
    if update.lines:
        source(update, "Synthetic submitted bulletin, update (benchmark data)")
        graphs.append(update)
    return HEADER + "".join(g.text() for g in graphs), sum(g.triples for g in graphs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prosecutions", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    manifest = generate(args.prosecutions, args.out, args.seed)
    print(f"{manifest.quads} quads in {manifest.graphs} graphs, {len(manifest.files)} files")


if __name__ == "__main__":
    main()
