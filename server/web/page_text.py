"""The words of the entity and search pages in English and Russian, and dates and terms as
people write them."""

from __future__ import annotations

import re

from pyoxigraph import Literal

from ..core.vocabulary import DCTERMS, RDFS, SCHEMA, TYPE, XSD

LANGUAGES = ("en", "ru")

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "search": "Search",
        "search_placeholder": "A name, in Latin or Cyrillic script",
        "names": "Names",
        "script_latin": "Latin script",
        "script_cyrillic": "Cyrillic script",
        "source": "Source",
        "sources": "Sources",
        "inferred": "inferred",
        "recognitions": "Recognitions",
        "recognised_by": "by",
        "withdrawn": "withdrawn",
        "cases": "Cases and charges",
        "case": "Case",
        "charges": "Charges",
        "under": "under",
        "no_article": "no article stated",
        "themes": "Themes",
        "sentences": "Sentences and how they changed",
        "imposed_by": "imposed by",
        "upheld_by": "upheld by",
        "replaces": "replaces",
        "timeline": "Timeline",
        "date_not_stated": "date not stated",
        "detention": "Places of detention",
        "posts": "Posts held",
        "former": "former",
        "handled": "Cases their organisations handled",
        "campaigns": "Campaigns and appeals for this person",
        "targeted": "Appeals addressed to this person",
        "deadline": "deadline",
        "demand": "demand",
        "mentioned": "Mentioned in",
        "all_statements": "All statements",
        "property": "Property",
        "value": "Value",
        "linked_from": "What links here",
        "formats": "This description as",
        "in_force": "In force since",
        "introduced": "Introduced in",
        "number": "Number",
        "part_of": "Part of",
        "parts": "Parts",
        "charged": "People charged under this provision",
        "person": "Person",
        "charge": "Charge",
        "no_one": "No one charged under this provision is recorded.",
        "none": "None recorded.",
        "not_found_title": "Not found",
        "not_found": "Nothing in ppkg has this address",
        "did_you_mean": "Perhaps you were looking for",
        "gone_title": "Withdrawn",
        "gone": "This record has been withdrawn",
        "when": "When",
        "why": "Why",
        "results": "Results",
        "no_results": "No names match.",
        "first_results": "Only the first {n} matches are shown.",
        "more_results": "Show up to {n}",
        "kind": "Kind",
        "court": "court",
        "transferred_to": "transferred to",
        "year_not_stated": "year not stated",
        "addressed_to": "addressed to",
        "pages": "Pages",
        "first_only": "Only the first {n} are shown here; the SPARQL endpoint has them all.",
        "on_behalf_of": "for",
        "by": "by",
    },
    "ru": {
        "search": "Поиск",
        "search_placeholder": "Имя латиницей или кириллицей",
        "names": "Имена",
        "script_latin": "Латиница",
        "script_cyrillic": "Кириллица",
        "source": "Источник",
        "sources": "Источники",
        "inferred": "выведено",
        "recognitions": "Признания",
        "recognised_by": "признан(а):",
        "withdrawn": "отозвано",
        "cases": "Дела и обвинения",
        "case": "Дело",
        "charges": "Обвинения",
        "under": "по",
        "no_article": "статья не указана",
        "themes": "Темы",
        "sentences": "Наказания и их изменения",
        "imposed_by": "назначено:",
        "upheld_by": "оставлено в силе:",
        "replaces": "заменяет",
        "timeline": "Хронология",
        "date_not_stated": "дата не указана",
        "detention": "Места лишения свободы",
        "posts": "Должности",
        "former": "бывш.",
        "handled": "Дела, которые вели их организации",
        "campaigns": "Кампании и обращения в защиту",
        "targeted": "Обращения, адресованные этому лицу",
        "deadline": "срок",
        "demand": "требование",
        "mentioned": "Упоминается в",
        "all_statements": "Все утверждения",
        "property": "Свойство",
        "value": "Значение",
        "linked_from": "Ссылки сюда",
        "formats": "Это описание в форматах",
        "in_force": "Действует с",
        "introduced": "Введена в",
        "number": "Номер",
        "part_of": "Входит в",
        "parts": "Части",
        "charged": "Обвиняемые по этой норме",
        "person": "Лицо",
        "charge": "Обвинение",
        "no_one": "Обвиняемых по этой норме не записано.",
        "none": "Не записано.",
        "not_found_title": "Не найдено",
        "not_found": "В ppkg нет ничего по этому адресу",
        "did_you_mean": "Возможно, вы искали",
        "gone_title": "Отозвано",
        "gone": "Эта запись отозвана",
        "when": "Когда",
        "why": "Почему",
        "results": "Результаты",
        "no_results": "Совпадений нет.",
        "first_results": "Показаны только первые {n} совпадений.",
        "more_results": "Показать до {n}",
        "kind": "Вид",
        "court": "суд",
        "transferred_to": "переведён(а) в",
        "year_not_stated": "год не указан",
        "addressed_to": "адресат:",
        "pages": "Страницы",
        "first_only": "Здесь показаны только первые {n}; все есть в SPARQL-точке доступа.",
        "on_behalf_of": "в защиту:",
        "by": "инициатор:",
    },
}

# Labels of the other vocabularies' properties our data uses most (ours come from the ontology).
PROPERTY_LABELS: dict[str, dict[str, str]] = {
    "en": {
        SCHEMA + "about": "about",
        SCHEMA + "mentions": "mentions",
        SCHEMA + "creator": "creator",
        SCHEMA + "author": "author",
        SCHEMA + "founder": "founder",
        SCHEMA + "name": "name",
        SCHEMA + "alternateName": "other name",
        SCHEMA + "description": "description",
        DCTERMS + "publisher": "publisher",
        DCTERMS + "creator": "creator",
        DCTERMS + "title": "title",
        RDFS + "label": "label",
        RDFS + "comment": "comment",
        TYPE: "type",
    },
    "ru": {
        SCHEMA + "about": "о ком",
        SCHEMA + "mentions": "упоминает",
        SCHEMA + "creator": "автор",
        SCHEMA + "author": "автор",
        SCHEMA + "founder": "основатель",
        SCHEMA + "name": "имя",
        SCHEMA + "alternateName": "другое имя",
        SCHEMA + "description": "описание",
        DCTERMS + "publisher": "издатель",
        DCTERMS + "creator": "автор",
        DCTERMS + "title": "заглавие",
        RDFS + "label": "название",
        RDFS + "comment": "комментарий",
        TYPE: "тип",
    },
}

KIND_NAMES = {
    "en": {
        "person": "person",
        "organisation": "organisation",
        "provision": "legal provision",
        "place": "place",
        "case": "case",
        "post": "post",
        "action": "campaign action",
        "document": "document",
        "concept": "concept",
    },
    "ru": {
        "person": "лицо",
        "organisation": "организация",
        "provision": "правовая норма",
        "place": "место",
        "case": "дело",
        "post": "должность",
        "action": "кампания",
        "document": "документ",
        "concept": "понятие",
    },
}

MONTHS = {
    "en": [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ],
    "ru": [
        "январь", "февраль", "март", "апрель", "май", "июнь",
        "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
    ],
    "ru-genitive": [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ],
}  # fmt: skip


def format_date(value: Literal, lang: str) -> str:
    """A date as precise as it was stated: 10 August 2019, December 2023, 2016, 17 January."""
    text, kind = value.value, value.datatype.value.removeprefix(XSD)
    try:
        if kind == "date":
            year, month, day = text[:10].split("-")
            return _day_month(int(day), int(month), lang) + f" {year}"
        if kind == "gYearMonth":
            year, month = text[:7].split("-")
            return f"{_month(int(month), lang)} {year}"
        if kind == "gMonthDay":
            month, day = text[2:7].split("-")
            return f"{_day_month(int(day), int(month), lang)} ({TEXT[lang]['year_not_stated']})"
    except (ValueError, IndexError):
        return text
    return text


def _month(month: int, lang: str) -> str:
    return MONTHS[lang][month - 1]


def _day_month(day: int, month: int, lang: str) -> str:
    if lang == "ru":
        return f"{day} {MONTHS['ru-genitive'][month - 1]}"
    return f"{day} {MONTHS['en'][month - 1]}"


def date_sort_key(value: Literal | None) -> str:
    """Dates of any precision in time order; a day without a year and no date at all last."""
    if value is None:
        return "~"
    if value.value.startswith("--"):
        return "}" + value.value
    return value.value


_DURATION = re.compile(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
UNITS = {
    "en": (("year", "years"), ("month", "months"), ("week", "weeks"), ("day", "days")),
    "ru": (
        ("год", "года", "лет"),
        ("месяц", "месяца", "месяцев"),
        ("неделя", "недели", "недель"),
        ("день", "дня", "дней"),
    ),
}


def format_duration(value: Literal, lang: str) -> str:
    """P1Y6M as 1 year 6 months / 1 год 6 месяцев; anything else as written."""
    match = _DURATION.match(value.value)
    if not match or not any(match.groups()):
        return value.value
    parts = []
    for amount, units in zip(match.groups(), UNITS[lang], strict=True):
        if amount:
            parts.append(f"{int(amount)} {_plural(int(amount), units, lang)}")
    return " ".join(parts)


def _plural(n: int, forms: tuple[str, ...], lang: str) -> str:
    if lang != "ru":
        return forms[0] if n == 1 else forms[1]
    if n % 10 == 1 and n % 100 != 11:
        return forms[0]
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return forms[1]
    return forms[2]
