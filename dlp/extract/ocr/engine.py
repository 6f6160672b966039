"""Tesseract through pytesseract, which runs the `tesseract` program.

Why pytesseract rather than an in-process binding (tesserocr): a separate
process can be killed when a page takes too long (`timeout=`), cannot crash
the scan worker, and its memory goes away with it; it also uses the
distribution's Tesseract and language data, which `./scripts/setup` installs.
The price is a process start per page (~50 ms next to ~1 s of OCR).

Page segmentation mode 1 runs Tesseract's orientation and script detection
(OSD) in the same pass, so a page scanned upside down or sideways is turned
before it is read.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

import pytesseract
from PIL import Image

from dlp.extract.ocr.limits import OcrSettings

# Tesseract's OpenMP threads fight the other scan workers for the same cores.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

UNAVAILABLE = "OCR unavailable"


class OcrTimeout(Exception):
    """Tesseract ran past its time limit and was stopped."""


class OcrFailed(Exception):
    """Tesseract could not read the image; the message says why."""


@dataclass(frozen=True)
class Status:
    """What this machine can do: the languages to use, or why OCR is off."""

    languages: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()  # configured but not installed
    version: str = ""
    problem: str = ""  # non-empty when OCR cannot run at all
    orientation: bool = False  # the `osd` data is there (turns sideways pages)

    @property
    def available(self) -> bool:
        return not self.problem

    def describe(self) -> str:
        """One line for `dlp config check` and the relay's start-up log."""
        if self.problem:
            return f"OCR off: {self.problem}"
        line = f"OCR on: Tesseract {self.version}, languages {'+'.join(self.languages)}"
        return line + (f" (missing: {', '.join(self.missing)})" if self.missing else "")


@functools.lru_cache(maxsize=8)
def status(languages: tuple[str, ...]) -> Status:
    """Probe the installed Tesseract once per process and language set."""
    try:
        version = str(pytesseract.get_tesseract_version())
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        return Status(problem="Tesseract is not installed (run ./scripts/setup)")
    except Exception as exc:  # a broken installation: say so instead of failing every image
        return Status(problem=f"Tesseract does not run ({type(exc).__name__})")
    usable = tuple(lang for lang in languages if lang in installed)
    missing = tuple(lang for lang in languages if lang not in installed)
    if not usable:
        wanted = ", ".join(languages) or "none configured"
        return Status(problem=f"no Tesseract language data for {wanted}", missing=missing)
    return Status(usable, missing, version, orientation="osd" in installed)


def recognise(image: Image.Image, state: Status, timeout: float) -> str:
    """The text Tesseract reads on one prepared page; stopped after `timeout` seconds."""
    psm = 1 if state.orientation else 3
    try:
        text = pytesseract.image_to_string(
            image, lang="+".join(state.languages), config=f"--psm {psm}", timeout=timeout
        )
    except pytesseract.TesseractError as exc:
        raise OcrFailed(f"Tesseract failed (status {exc.status})") from exc
    except RuntimeError as exc:  # pytesseract's way of saying it killed the process
        if "timeout" in str(exc).lower():
            raise OcrTimeout from exc
        raise OcrFailed(str(exc)) from exc
    return str(text)


def describe(settings: OcrSettings) -> tuple[bool, str]:
    """(on, one line) for `dlp config check` and the relay's start-up log."""
    if not settings.enabled:
        return False, "OCR off: turned off in the config (extraction.ocr.enabled: false)"
    state = status(settings.languages)
    return state.available, state.describe()
