"""Job languages: a registry of plug-ins, one module per language (see `base.Language`)."""
from __future__ import annotations

from worker.languages.base import Language
from worker.languages.bash import Bash
from worker.languages.go import Go
from worker.languages.python import Python
from worker.languages.sql import Sql
from worker.languages.typescript import TypeScript

LANGUAGES: dict[str, Language] = {
    lang.name: lang for lang in (Python(), TypeScript(), Go(), Bash(), Sql())
}
"""Every language a job can be written in, by name."""


class UnknownLanguage(LookupError):
    """A job names a language Taskmill does not know."""


def get_language(name: str) -> Language:
    """The language called `name`; raises UnknownLanguage if there is none."""
    try:
        return LANGUAGES[name]
    except KeyError:
        raise UnknownLanguage(f"unknown language {name!r}; known: {sorted(LANGUAGES)}") from None


__all__ = ["LANGUAGES", "Language", "UnknownLanguage", "get_language"]
