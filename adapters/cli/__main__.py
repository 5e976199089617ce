"""`python -m adapters.cli`: the `newsbot` command."""

from adapters.cli import main

main()
