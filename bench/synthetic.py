"""Synthetic prosecutions in our model, for benchmarks only (never for data/).

    python bench/synthetic.py --prosecutions 100000 --out /tmp/synthetic.trig

Each prosecution has a person with an English name, a case shared by two defendants, and one
charge under one of twelve articles: about 8 asserted quads a prosecution.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

B = "https://w3id.org/ppkg/"
ARTICLES = [
    "212.1",
    "207.3",
    "280.3",
    "205.2",
    "275",
    "318",
    "319",
    "280.4",
    "207.1",
    "148",
    "282.2",
    "354.1",
]


def write(path: Path, prosecutions: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    ppkg, law = f"{B}ontology#", f"{B}law/ru/criminal-code/article/"
    with path.open("w", encoding="utf-8") as out:
        out.write(f"GRAPH <{B}source/synthetic> {{\n")
        for a in ARTICLES:
            out.write(
                f"<{law}{a}> a <{ppkg}Article> ; "
                f'<http://data.europa.eu/eli/ontology#number> "{a}" .\n'
            )
        for i in range(prosecutions):
            person, pros, charge = (
                f"<{B}id/{kind}/p{i}>" for kind in ("person", "prosecution", "charge")
            )
            out.write(f'{person} a <{ppkg}Person> ; <https://schema.org/name> "Person {i}"@en .\n')
            out.write(
                f"{pros} a <{ppkg}Prosecution> ; <{ppkg}defendant> {person} ; "
                f"<{ppkg}case> <{B}id/case/c{i // 2}> ; <{ppkg}charge> {charge} .\n"
            )
            out.write(
                f"{charge} a <{ppkg}Charge> ; <{ppkg}provision> <{law}{rng.choice(ARTICLES)}> .\n"
            )
        out.write("}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--prosecutions", type=int, default=100_000)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    write(args.out, args.prosecutions)


if __name__ == "__main__":
    main()
