"""`python -m cpms_kg` is the `cpms-kg` command."""

from cpms_kg.cli import main

main()
