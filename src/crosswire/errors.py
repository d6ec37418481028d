"""The crosswire error hierarchy.

    CrosswireError
     ├── InputError                 an input could not become an article (has source, line)
     │    ├── EmptyInput            the file or record has no text
     │    ├── BinaryInput           the bytes are not text (image, archive, executable …)
     │    ├── InputTooLarge         over the configured size limit
     │    ├── EncodingError         the bytes decode in no known text encoding
     │    ├── BrokenJSON            a JSON Lines record does not parse or lacks text/html
     │    ├── NoArticleText         an HTML page has no main text
     │    ├── UnknownFormat         neither text, HTML nor JSON Lines
     │    └── UnreadableInput       the path cannot be opened or does not exist
     ├── ModelError                 a model (spaCy, an encoder, a trained file) is missing or broken
     │    └── ModelNotInstalled     a model's PyPI package is not installed
     ├── StoreError                 the DuckDB store cannot be opened or written
 ├── GazetteerError             the gazetteer index is missing, empty, corrupt or outdated
     └── ConfigError                a setting has a wrong value

Messages say what failed, where and what to do next.
"""

from __future__ import annotations


class CrosswireError(Exception):
    """Base class of every error crosswire raises on purpose."""


class InputError(CrosswireError):
    """An input that cannot be turned into an article.

    Args:
        message (str): what is wrong and how to fix it.
        source (str): the file path, "<stdin>" or "<api>".
        line (int | None): the 1-based line in a JSON Lines file.
    """

    def __init__(self, message: str, *, source: str, line: int | None = None) -> None:
        self.message = message
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class EmptyInput(InputError):
    """The input has no text."""


class BinaryInput(InputError):
    """The input is binary data, not text."""


class InputTooLarge(InputError):
    """The input is over the configured size limit."""


class EncodingError(InputError):
    """The input's bytes decode in no known text encoding."""


class BrokenJSON(InputError):
    """A JSON Lines record does not parse, or has neither "text" nor "html"."""


class NoArticleText(InputError):
    """An HTML page has no main article text."""


class UnknownFormat(InputError):
    """The input is neither plain text, HTML nor JSON Lines."""


class UnreadableInput(InputError):
    """The path cannot be opened (missing, a permission problem, a dangling link)."""


class ModelError(CrosswireError):
    """A model (the spaCy pipeline, a sentence encoder, a trained file) is missing or cannot be loaded."""


class ModelNotInstalled(ModelError):
    """A model's PyPI package is not installed (an optional stage can then fall back, saying so)."""


class StoreError(CrosswireError):
    """The DuckDB store cannot be opened, migrated or written."""


class GazetteerError(CrosswireError):
    """The gazetteer index is missing, empty, corrupt or of another format version."""


class ConfigError(CrosswireError):
    """A setting has a wrong value."""


class BenchmarkDataError(CrosswireError):
    """A benchmark's gold file or page archive cannot be read or has the wrong shape."""


class ActorDictionaryError(ConfigError):
    """An actor data file is missing, is not valid JSON, or has an entry of the wrong shape.

    Args:
        message (str): what is wrong and how to fix it.
        path (str): the file.
        entry (str | None): which entry ("actors[3] (id 'SDF')").
    """

    def __init__(self, message: str, *, path: str, entry: str | None = None) -> None:
        self.message = message
        self.path = path
        self.entry = entry
        where = f"{path}: {entry}" if entry else path
        super().__init__(f"{where}: {message}")
