"""``python -m transkit``: the same as the ``transkit`` command."""

from transkit.entry import main

if __name__ == "__main__":
    main()
