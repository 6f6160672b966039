"""Refuse XML that declares entities, before any XML library sees it.

An entity declaration is the attack (billion laughs, quadratic blow-up,
external entities reading local files or the network), whatever the library
below would make of it: openpyxl, python-docx and python-pptx parse with lxml,
odfpy with SAX.  A bare DOCTYPE that declares nothing (older OpenOffice files,
Basic macro modules: `<!DOCTYPE script:module ... "module.dtd">`) expands
nothing, and none of the libraries loads the external DTD, so it is read.
Declarations can only appear in the prolog, before the root element, so expat
is run only until the root element starts: a few hundred bytes per part.
"""

from __future__ import annotations

from xml.parsers import expat

from dlp.extract.base import UnscannableError

_XML_HEADS = (b"<?xml", b"\xef\xbb\xbf<", b"\xff\xfe<\x00", b"\xfe\xff\x00<", b"<!DOCTYPE")


class _RootReached(Exception):
    """The root element started: the prolog held no DTD."""


class _DtdFound(Exception):
    """An entity declaration was seen."""


def looks_like_xml(name: str, head: bytes) -> bool:
    """True for parts an XML library will parse (by name, or by their first bytes)."""
    lowered = name.lower()
    return lowered.endswith((".xml", ".rels", ".vml")) or head.lstrip().startswith(_XML_HEADS)


class PrologCheck:
    """Fed a part chunk by chunk; raises `UnscannableError` on a DTD.

    `done` turns true once the root element has started (nothing more to check).
    Malformed XML is left for the library to reject (it is "corrupt"); only a
    DTD is refused here.
    """

    def __init__(self, what: str) -> None:
        self.what = what
        self.done = False
        self._parser = expat.ParserCreate()
        self._parser.EntityDeclHandler = self._dtd
        self._parser.ExternalEntityRefHandler = self._external
        self._parser.StartElementHandler = self._root
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

    @staticmethod
    def _dtd(*_: object) -> None:
        raise _DtdFound

    @staticmethod
    def _external(*_: object) -> int:
        raise _DtdFound

    @staticmethod
    def _root(*_: object) -> None:
        raise _RootReached

    def feed(self, chunk: bytes, final: bool = False) -> None:
        if self.done:
            return
        try:
            self._parser.Parse(chunk, final)
        except _RootReached:
            self.done = True
        except _DtdFound:
            self.done = True
            raise UnscannableError(
                f"{self.what} declares XML entities (refused: XML entity attack)"
            ) from None
        except expat.ExpatError:
            self.done = True  # malformed: the real parser will call it corrupt


def refuse_dtd(xml: bytes, what: str) -> None:
    """One-shot form of `PrologCheck` for a part already in memory."""
    check = PrologCheck(what)
    check.feed(xml, final=True)
