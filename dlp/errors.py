"""One exception tree; the CLI maps each branch to an exit status."""

from __future__ import annotations


class DlpError(Exception):
    """Base of every error the product raises on purpose."""


class ConfigError(DlpError):
    """An invalid config or pattern file: the message names file, line/key and the fix.

    The CLI exits 2 on it; the relay refuses to start (or keeps the old set on reload).
    """

    def __init__(self, file: str, where: str, problem: str, line: int | None = None) -> None:
        self.file = file
        self.where = where
        self.problem = problem
        self.line = line
        loc = f"{file}:{line}" if line else file
        super().__init__(f"{loc}: {where}: {problem}" if where else f"{loc}: {problem}")


class ConfigErrors(DlpError):
    """Several validation errors found in one pass, so an admin fixes them all at once."""

    def __init__(self, errors: list[ConfigError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))
