"""`python -m server` is the `ppkg` command."""

from .cli import main

main()
