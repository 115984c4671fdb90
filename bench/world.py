"""The reference entities that synthetic cases cite: the law, places, courts, offices, officials.

The articles are real articles of the Criminal Code of the Russian Federation used in politically
motivated prosecutions, under the IRIs data/ uses (article/212.1, article/207.3/part/2); dates of
introduction are stated only where data/ states them. Courts, colonies and officials are drawn
from common district names and real regional centres; the officials' names are random.
Everything here goes into two synthetic source graphs: the law and a register.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .names import Name, draw, slug
from .turtle import Graph, lit, typed

CODE = "<https://w3id.org/ppkg/law/ru/criminal-code>"
ARTICLE_BASE = "https://w3id.org/ppkg/law/ru/criminal-code/article/"
PUBLISHER = "org:synthetic-monitor"

# number, parts, weight (share of charges), introduced (as data/ states it), theme
ARTICLES: list[tuple[str, tuple[str, ...], float, str | None, str | None]] = [
    ("207.3", ("1", "2", "3"), 16, "2022-03", "anti-war"),
    ("280.3", ("1", "2"), 13, "2022-03", "anti-war"),
    ("205.2", ("1", "2"), 12, None, "freedom-of-expression"),
    ("282.2", ("1", "2"), 12, None, "freedom-of-religion"),
    ("205.5", ("1", "2"), 8, None, "freedom-of-religion"),
    ("275", (), 7, None, None),
    ("318", ("1", "2"), 6, None, "freedom-of-assembly"),
    ("284.1", ("1", "2"), 5, None, "freedom-of-association"),
    ("280", ("1", "2"), 4, None, "freedom-of-expression"),
    ("280.4", (), 3, None, "anti-war"),
    ("212.1", (), 3, "2014", "freedom-of-assembly"),
    ("354.1", ("1", "2"), 2, None, "freedom-of-expression"),
    ("148", ("1", "2"), 2, None, "freedom-of-religion"),
    ("207.1", (), 2, None, "freedom-of-expression"),
    ("330.1", (), 2, None, "freedom-of-association"),
    ("275.1", (), 3, None, None),
]
# Cases under these go to military courts.
MILITARY = {"205.2", "205.5"}

# (slug, English, Russian) of regional centres.
CITIES = [
    ("moscow", "Moscow", "Москва"),
    ("saint-petersburg", "Saint Petersburg", "Санкт-Петербург"),
    ("kazan", "Kazan", "Казань"),
    ("ufa", "Ufa", "Уфа"),
    ("samara", "Samara", "Самара"),
    ("krasnodar", "Krasnodar", "Краснодар"),
    ("rostov-on-don", "Rostov-on-Don", "Ростов-на-Дону"),
    ("novosibirsk", "Novosibirsk", "Новосибирск"),
    ("yekaterinburg", "Yekaterinburg", "Екатеринбург"),
    ("nizhny-novgorod", "Nizhny Novgorod", "Нижний Новгород"),
    ("perm", "Perm", "Пермь"),
    ("chelyabinsk", "Chelyabinsk", "Челябинск"),
    ("omsk", "Omsk", "Омск"),
    ("krasnoyarsk", "Krasnoyarsk", "Красноярск"),
    ("voronezh", "Voronezh", "Воронеж"),
    ("volgograd", "Volgograd", "Волгоград"),
    ("saratov", "Saratov", "Саратов"),
    ("tyumen", "Tyumen", "Тюмень"),
    ("irkutsk", "Irkutsk", "Иркутск"),
    ("khabarovsk", "Khabarovsk", "Хабаровск"),
    ("vladivostok", "Vladivostok", "Владивосток"),
    ("kaliningrad", "Kaliningrad", "Калининград"),
    ("pskov", "Pskov", "Псков"),
    ("tomsk", "Tomsk", "Томск"),
]
DISTRICTS = [
    ("leninsky", "Leninsky", "Ленинский"),
    ("oktyabrsky", "Oktyabrsky", "Октябрьский"),
    ("sovetsky", "Sovetsky", "Советский"),
    ("kirovsky", "Kirovsky", "Кировский"),
    ("tsentralny", "Tsentralny", "Центральный"),
    ("zavodskoy", "Zavodskoy", "Заводской"),
    ("frunzensky", "Frunzensky", "Фрунзенский"),
    ("kalininsky", "Kalininsky", "Калининский"),
]


@dataclass(frozen=True)
class Provision:
    iri: str  # in angle brackets
    article: str  # the article's number
    part: str | None
    introduced: str | None

    @property
    def label(self) -> str:
        if self.part:
            return f"Part {self.part} of Article {self.article}"
        return f"Article {self.article}"


@dataclass
class Region:
    slug: str
    en: str
    ru: str
    courts: list[str] = field(default_factory=list)  # district courts: verdicts
    appeal_court: str = ""
    colonies: list[str] = field(default_factory=list)


@dataclass
class World:
    provisions: dict[str, list[Provision]]  # by article number: the article, then its parts
    weights: list[float]
    regions: list[Region]
    military_court: str
    military_appeal_court: str
    court_labels: dict[str, str]
    graphs: list[Graph]

    @property
    def articles(self) -> list[str]:
        return list(self.provisions)

    def theme(self, article: str) -> str | None:
        return next(a[4] for a in ARTICLES if a[0] == article)


def build(seed: int = 1) -> World:
    """The same world for every size: its own random stream, independent of the case count."""
    builder = _Builder(random.Random(seed * 7919))
    provisions = builder.law()
    regions = [builder.region(city) for city in CITIES]
    military = builder.court(
        "southern-district-military-court",
        regions[6],
        "Southern District Military Court",
        "Южный окружной военный суд",
    )
    military_appeal = builder.court(
        "appeal-military-court", regions[0], "Appeal Military Court", "Апелляционный военный суд"
    )
    builder.officials(regions)
    builder.publisher()
    return World(
        provisions,
        [a[2] for a in ARTICLES],
        regions,
        military,
        military_appeal,
        {iri: en for iri, (en, _) in builder.courts.items()},
        [builder.law_graph, builder.register],
    )


def source(graph: Graph, en: str, ru: str | None = None) -> None:
    """The graph describes itself as a source document of the synthetic publisher."""
    graph.add(
        graph.name,
        ("a", ["prov:Entity", "ppkg:SourceDocument"]),
        ("rdfs:label", [lit(en, "en")] + ([lit(ru, "ru")] if ru else [])),
        ("dcterms:publisher", PUBLISHER),
        ("dcterms:language", lit("ru")),
    )


def describe_person(graph: Graph, person: str, name: Name) -> None:
    names = [lit(name.en, "en")]
    if name.ru and name.latn:
        names += [lit(name.latn, "ru-Latn"), lit(name.ru, "ru")]
    graph.add(
        person,
        ("a", "ppkg:Person"),
        ("schema:name", names),
        ("schema:alternateName", [lit(name.variant, "en")] if name.variant else []),
    )


def _labels(en: str, ru: str) -> tuple[str, list[str]]:
    return ("rdfs:label", [lit(en, "en"), lit(ru, "ru")])


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.law_graph = Graph("src:synthetic-criminal-code")
        self.register = Graph("src:synthetic-register")
        self.courts: dict[str, tuple[str, str]] = {}
        self.officials_made = 0

    def law(self) -> dict[str, list[Provision]]:
        graph = self.law_graph
        source(
            graph,
            "Synthetic extract of the Criminal Code (benchmark data)",
            "Синтетическая выписка из Уголовного кодекса (данные для замеров)",
        )
        graph.add(
            CODE,
            ("a", "ppkg:Code"),
            _labels(
                "Criminal Code of the Russian Federation", "Уголовный кодекс Российской Федерации"
            ),
        )
        provisions: dict[str, list[Provision]] = {}
        for number, parts, _, introduced, _ in ARTICLES:
            article = Provision(f"<{ARTICLE_BASE}{number}>", number, None, introduced)
            graph.add(
                article.iri,
                ("a", "ppkg:Article"),
                _labels(
                    f"Article {number} of the Criminal Code of the Russian Federation",
                    f"Статья {number} Уголовного кодекса Российской Федерации",
                ),
                ("eli:number", lit(number)),
                ("eli:is_part_of", CODE),
                ("ppkg:introducedIn", [_year(introduced)] if introduced else []),
            )
            provisions[number] = [article]
            for part in parts:
                provision = Provision(
                    f"<{ARTICLE_BASE}{number}/part/{part}>", number, part, introduced
                )
                graph.add(
                    provision.iri,
                    ("a", "ppkg:ArticlePart"),
                    _labels(
                        f"Part {part} of Article {number} of the Criminal Code of the Russian "
                        "Federation",
                        f"Часть {part} статьи {number} Уголовного кодекса Российской Федерации",
                    ),
                    ("eli:number", lit(part)),
                    ("eli:is_part_of", article.iri),
                )
                provisions[number].append(provision)
        return provisions

    def region(self, city: tuple[str, str, str]) -> Region:
        key, en, ru = city
        region = Region(key, en, ru)
        self.register.add(f"place:{key}", ("a", "ppkg:Place"), _labels(en, ru))
        for d_key, d_en, d_ru in self.rng.sample(DISTRICTS, 4 if key == "moscow" else 2):
            court = self.court(
                f"{d_key}-district-court-{key}",
                region,
                f"{d_en} District Court of {en}",
                f"{d_ru} районный суд ({ru})",
            )
            region.courts.append(court)
        region.appeal_court = self.court(
            f"regional-court-{key}", region, f"{en} Regional Court", f"Областной суд ({ru})"
        )
        for number in self.rng.sample(range(1, 30), 2):
            colony = f"org:penal-colony-{number}-{key}"
            self.register.add(
                colony,
                ("a", "ppkg:PenalColony"),
                _labels(
                    f"Penal Colony No. {number}, {en}", f"Исправительная колония № {number} ({ru})"
                ),
                ("ppkg:locatedIn", f"place:{key}"),
            )
            region.colonies.append(colony)
        return region

    def court(self, key: str, region: Region, en: str, ru: str) -> str:
        iri = f"org:{key}"
        self.register.add(
            iri, ("a", "ppkg:Court"), _labels(en, ru), ("ppkg:locatedIn", f"place:{region.slug}")
        )
        self.courts[iri] = (en, ru)
        return iri

    def officials(self, regions: list[Region]) -> None:
        """A judge of every court, a prosecutor (and in some regions the former one) and an
        investigator in every region, with their posts."""
        for court, (en, ru) in self.courts.items():
            post = f"post:judge-{court[4:]}"
            self.post(post, f"Judge, {en}", f"Судья ({ru})", court)
            self.holding(post, court, f"Judge, {en}")
        for index, region in enumerate(regions):
            office = self.office(
                "prosecutors-office",
                "ppkg:ProsecutionService",
                region,
                f"Prosecutor's Office, {region.en}",
                f"Прокуратура ({region.ru})",
            )
            post = f"post:prosecutor-{region.slug}"
            self.post(post, f"Prosecutor, {region.en}", f"Прокурор ({region.ru})", office)
            if index % 4 == 0:
                self.holding(post, office, f"Prosecutor, {region.en}", former=True)
            self.holding(post, office, f"Prosecutor, {region.en}")
            directorate = self.office(
                "investigative-directorate",
                "ppkg:InvestigativeAuthority",
                region,
                f"Investigative Committee Directorate, {region.en}",
                f"Следственное управление Следственного комитета ({region.ru})",
            )
            post = f"post:investigator-{region.slug}"
            title = f"Senior investigator, {region.en}"
            self.post(post, title, f"Старший следователь ({region.ru})", directorate)
            self.holding(post, directorate, title)

    def office(self, kind: str, cls: str, region: Region, en: str, ru: str) -> str:
        iri = f"org:{kind}-{region.slug}"
        self.register.add(
            iri, ("a", cls), _labels(en, ru), ("ppkg:locatedIn", f"place:{region.slug}")
        )
        return iri

    def post(self, post: str, en: str, ru: str, organisation: str) -> None:
        self.register.add(post, ("a", "ppkg:Post"), _labels(en, ru), ("ppkg:postIn", organisation))

    def holding(self, post: str, organisation: str, title: str, former: bool = False) -> None:
        name = draw(self.rng, patronymic=True)
        self.officials_made += 1
        person = f"person:{slug(name.en)}-o{self.officials_made}"
        describe_person(self.register, person, name)
        start = self.rng.randint(2008, 2018)
        self.register.add(
            f"holding:{person[7:]}-{post[5:]}",
            ("a", "ppkg:PostHolding"),
            ("rdfs:label", lit(f"{name.en}, {title}", "en")),
            ("ppkg:holder", person),
            ("ppkg:post", post),
            ("ppkg:organisation", organisation),
            ("ppkg:start", _year(str(start))),
            ("ppkg:end", [_year(str(start + self.rng.randint(1, 4)))] if former else []),
        )

    def publisher(self) -> None:
        self.register.add(
            PUBLISHER,
            ("a", "ppkg:NonGovernmentalOrganisation"),
            _labels(
                "Synthetic Monitor (benchmark data)", "Синтетический монитор (данные для замеров)"
            ),
        )
        source(
            self.register,
            "Synthetic register of courts, colonies and officials (benchmark data)",
            "Синтетический реестр судов, колоний и должностных лиц (данные для замеров)",
        )


def _year(value: str) -> str:
    return typed(value, "gYear" if len(value) == 4 else "gYearMonth")
