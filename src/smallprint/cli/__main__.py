"""`python -m smallprint.cli`: the same as the `smallprint` command."""

from smallprint.cli.main import main

main()
