"""`python -m bench`: the side-by-side benchmark (see bench/run.py)."""

from .run import main

main()
