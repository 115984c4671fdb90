# ruff: noqa: RUF001, RUF003  (Russian names are written in Cyrillic on purpose)
"""Synthetic personal names: Cyrillic (@ru), its transliteration (@ru-Latn) and the English form.

Random combinations of common first names and surnames; any resemblance to a real person is a
namesake. Names are drawn, never looked up.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


def _words(text: str) -> list[str]:
    return text.split()


MALE = _words(
    "Алексей Андрей Антон Артём Борис Вадим Валерий Василий Виктор Виталий Владимир Владислав "
    "Геннадий Георгий Глеб Григорий Даниил Денис Дмитрий Евгений Егор Иван Игорь Илья Кирилл "
    "Константин Лев Леонид Максим Михаил Никита Николай Олег Павел Пётр Роман Руслан Сергей "
    "Станислав Степан Тимур Фёдор Юрий Ярослав Семён Арсений Матвей Эдуард Анатолий"
)
FEMALE = _words(
    "Александра Алёна Алина Анастасия Анна Антонина Валентина Валерия Вера Виктория Галина "
    "Дарья Екатерина Елена Елизавета Жанна Зоя Ирина Ксения Лариса Любовь Людмила Маргарита "
    "Марина Мария Надежда Наталья Нина Оксана Ольга Полина Светлана Софья Татьяна Юлия"
)
# Male forms; the female form adds -а (or -ая for -ий); -енко and -ых do not change.
SURNAMES = _words(
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов "
    "Волков Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев "
    "Макаров Никитин Захаров Зайцев Соловьёв Борисов Яковлев Григорьев Романов Воробьёв "
    "Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв Ильин Максимов Поляков "
    "Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков Баранов Филиппов Комаров "
    "Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов Крылов "
    "Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов "
    "Савельев Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Федотов Щербаков Назаров Калинин "
    "Исаев Быков Маслов Родионов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев "
    "Прохоров Наумов Потапов Журавлёв Овчинников Трофимов Леонов Соболев Ермаков Колесников "
    "Гончаров Емельянов Никифоров Грачёв Гришин Ефремов Архипов Громов Кириллов Малышев Панов "
    "Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Тихомиров Галкин "
    "Лукьянов Михеев Скворцов Юдин Белоусов Нестеров Симонов Прокофьев Харитонов Князев "
    "Цветков Митрофанов Воронов Аксёнов Мальцев Логинов Горшков Савин Майоров Демидов Елисеев "
    "Рыбаков Сафонов Плотников Хохлов Жданов Покровский Вишневский Островский Успенский "
    "Шевченко Бондаренко Коваленко Кравченко Ткаченко Лысенко Черных Седых"
)
TATAR_MALE = _words("Эмир Сейран Эрнест Рустем Ремзи Эдем Энвер Ленур Зеври Рефат Осман Сервер")
TATAR_SURNAMES = _words(
    "Аметов Абдуллаев Велиев Османов Сулейманов Умеров Ибрагимов Асанов Муратов Эминов "
    "Зиядинов Меметов"
)
# Foreign nationals: Latin names only (no Russian spelling is stated for them).
FOREIGN_FIRST = _words("John Michael David Mark Peter Thomas Daniel Martin Lukas Jan Tomas Erik")
FOREIGN_LAST = _words("Miller Jensen Hansen Novak Kowalski Berger Lindqvist Horvat Keller Dumont")
PATRONYMIC_ROOTS = _words("Александр Сергей Владимир Николай Иван Михаил Виктор Юрий Андрей Пётр")

TRANSLIT = dict(
    zip(
        "абвгдежзийклмнопрстуфхцчшщъыьэюя",
        _words("a b v g d e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya"),
        strict=True,
    )
)
VOWELS = set("аеёиоуыэюя")


@dataclass(frozen=True)
class Name:
    ru: str | None  # Cyrillic, for persons with a Russian spelling
    latn: str | None  # transliteration of `ru`
    en: str  # the usual English form
    variant: str | None = None  # another English spelling (Aleksei / Alexey), for search


def transliterate(text: str) -> str:
    """BGN/PCGN-like romanisation: Алексей -> Aleksey, Фёдор -> Fedor, Соловьёв -> Solovyev."""
    out = []
    for i, char in enumerate(text):
        lower = char.lower()
        prev = text[i - 1].lower() if i else ""
        if lower in "её":
            latin = "ye" if (not prev.isalpha() or prev in VOWELS or prev in "ъь") else "e"
        elif lower in TRANSLIT:
            latin = TRANSLIT[lower].replace("_", "")
        else:
            latin = char
        out.append(latin.capitalize() if char.isupper() else latin)
    return "".join(out)


def english(latn: str) -> str:
    """The usual English form: -iy endings shortened (Dmitriy -> Dmitry, Yuriy -> Yury)."""
    return " ".join(w[:-2] + "y" if w.endswith("iy") else w for w in latn.split())


def _feminine(surname: str) -> str:
    if surname.endswith(("енко", "ых", "их")):
        return surname
    if surname.endswith("ский"):
        return surname[:-4] + "ская"
    return surname + "а"


def _patronymic(root: str, female: bool) -> str:
    stem = {"Сергей": "Сергее", "Андрей": "Андрее", "Николай": "Николае", "Юрий": "Юрье"}
    base = stem.get(root, root.replace("ё", "е") + ("о" if root[-1] not in VOWELS else ""))
    return base + ("вна" if female else "вич")


def draw(rng: random.Random, patronymic: bool = False) -> Name:
    """A person's name: mostly Russian, some Crimean Tatar, a few foreign (Latin only)."""
    kind = rng.random()
    if kind < 0.04:
        return Name(None, None, f"{rng.choice(FOREIGN_FIRST)} {rng.choice(FOREIGN_LAST)}")
    female = kind >= 0.08 and rng.random() < 0.22
    if kind < 0.08:
        first, last = rng.choice(TATAR_MALE), rng.choice(TATAR_SURNAMES)
    elif female:
        first, last = rng.choice(FEMALE), _feminine(rng.choice(SURNAMES))
    else:
        first, last = rng.choice(MALE), rng.choice(SURNAMES)
    parts = [first, last]
    if patronymic:
        parts.insert(1, _patronymic(rng.choice(PATRONYMIC_ROOTS), female))
    ru = " ".join(parts)
    latn = transliterate(ru)
    en = english(latn)
    variant = None
    if en.startswith("Aleksey "):
        variant = "Alexei " + en[len("Aleksey ") :]
    return Name(ru, latn, en, variant)


def slug(text: str) -> str:
    """An IRI slug from a Latin name: "Yury Petrov" -> "yury-petrov"."""
    return "-".join(text.lower().replace("'", "").split())
