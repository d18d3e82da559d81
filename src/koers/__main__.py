"""``python -m koers``: the command line, also as a file that ``spark-submit`` can run
(docs/operations.md, "The Basismonitor on a Spark cluster")."""

from koers.cli import main

if __name__ == "__main__":
    main(prog_name="koers")
