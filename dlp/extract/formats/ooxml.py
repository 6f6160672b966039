"""What every OOXML package (.docx, .xlsx, .pptx and their variants) shares.

The document libraries read a package's main story; a record can also sit in
any other part: headers, footnotes, comments, charts, slide masters, sheet
drawings, document properties.  `side_parts()` reads the text of every XML
part the library did not, so no story is skipped because nobody thought of
it; `package_members()` hands embedded files and pictures to the registry.
`normalised()` rewrites the two variants the libraries refuse although their
parts are the same: Strict namespaces, and macro-enabled or template types.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterable, Iterator

from lxml import etree

from dlp.extract.base import Blob, Context, Item
from dlp.model import TextChunk

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=True
)
_STRICT = re.compile(rb"http://purl\.oclc\.org/ooxml/(\w+)/(\w+)")
_MAIN_TYPES = {
    b"application/vnd.ms-word.document.macroEnabled.main+xml": b"wordprocessingml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml": (
        b"wordprocessingml"
    ),
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml": b"wordprocessingml",
    b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml": (
        b"presentationml"
    ),
    b"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml": (
        b"presentationml"
    ),
    b"application/vnd.ms-powerpoint.template.macroEnabled.main+xml": b"presentationml",
    b"application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": b"presentationml",
}
_PLAIN_MAIN = {
    b"wordprocessingml": b"application/vnd.openxmlformats-officedocument."
    b"wordprocessingml.document.main+xml",
    b"presentationml": b"application/vnd.openxmlformats-officedocument."
    b"presentationml.presentation.main+xml",
}
# Parts with no text a person wrote: formatting, settings, relationships.
_NO_TEXT = re.compile(
    r"(?:^|/)(?:_rels/|theme/|styles|stylesWithEffects|settings|webSettings|fontTable|"
    r"numbering|calcChain|presProps|viewProps|tableStyles|commentAuthors|people|"
    r"commentsExtended|commentsIds|customizations|printerSettings|vbaData|"
    r"\[Content_Types\])",
    re.I,
)
_TEXT = {"t", "delText", "v", "text", "instrText"}
_FIELD_CODES = {"instrText"}  # mail-merge codes: only the result (a plain w:t) counts
_BREAK = {"p", "tr", "si", "comment", "br", "cr", "pt", "threadedComment"}
_PROPERTY_PARTS = ("docProps/core.xml", "docProps/app.xml", "docProps/custom.xml")
_APP_SKIP = {"TotalTime", "Pages", "Words", "Characters", "Lines", "Paragraphs", "DocSecurity",
             "ScaleCrop", "LinksUpToDate", "CharactersWithSpaces", "SharedDoc",
             "HyperlinksChanged", "AppVersion", "Application", "Slides", "Notes",
             "HiddenSlides", "MMClips", "PresentationFormat", "Template", "created",
             "modified", "lastPrinted", "revision"}  # fmt: skip


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse(data: bytes) -> etree._Element | None:
    """A part's XML tree (entities never expanded, no network); None when unparsable."""
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return None


def element_text(root: etree._Element) -> str:
    """The text of a part's runs, one line per paragraph/row/comment."""
    out: list[str] = []
    for event, el in etree.iterwalk(root, events=("start", "end")):
        name = local(el.tag)
        if event == "start":
            if name in _TEXT and name not in _FIELD_CODES and el.text:
                out.append(el.text)
            elif name == "tab":
                out.append("\t")
            elif name == "s" and el.get("v"):  # pivot-cache items hold their text in @v
                out.append(el.get("v", "") + "\n")
        elif name in _BREAK:
            out.append("\n")
        elif name in ("tc", "c"):
            out.append(" ")
    return re.sub(r"\n\s*\n+", "\n", "".join(out)).strip()


def normalised(data: bytes) -> bytes:
    """The package with Strict namespaces and macro/template main types made plain."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        parts = {info.filename: zf.read(info) for info in zf.infolist() if not info.is_dir()}
    changed = False
    for name, body in parts.items():
        new = body
        if name.lower().endswith((".xml", ".rels")) and b"purl.oclc.org/ooxml/" in body:
            new = _STRICT.sub(rb"http://schemas.openxmlformats.org/\1/2006/\2", body)
        if name == "[Content_Types].xml":
            for odd, family in _MAIN_TYPES.items():
                new = new.replace(odd, _PLAIN_MAIN[family])
        if new is not body:
            parts[name], changed = new, True
    if not changed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)
    return out.getvalue()


def properties(zf: zipfile.ZipFile) -> str:
    """Title, subject, author, keywords, comments and custom properties as 'name: value'."""
    lines: list[str] = []
    names = set(zf.namelist())
    for part in _PROPERTY_PARTS:
        if part not in names:
            continue
        root = parse(zf.read(part))
        if root is None:
            continue
        for el in root.iter():
            name, text = local(el.tag), (el.text or "").strip()
            if not text or len(el) or name in _APP_SKIP:
                continue
            parent = el.getparent()
            label = parent.get("name") if parent is not None and parent.get("name") else name
            lines.append(f"{label}: {text}")
    return "\n".join(lines)


def side_parts(
    zf: zipfile.ZipFile, where: str, read: Iterable[str], ctx: Context
) -> Iterator[Item]:
    """Every XML part with text, except those the library already read (`read`)."""
    done = {name.lstrip("/") for name in read}
    for info in zf.infolist():
        name = info.filename
        if name in done or info.is_dir() or name.startswith("docProps/") or _NO_TEXT.search(name):
            continue
        if not name.lower().endswith((".xml", ".vml")):
            continue
        ctx.check_time()
        root = parse(zf.read(info))
        text = element_text(root) if root is not None else ""
        if text:
            yield TextChunk(f"{where}#{name}", text)
    props = properties(zf)
    if props:
        yield TextChunk(f"{where}#properties", props)


def package_members(zf: zipfile.ZipFile, where: str) -> Iterator[Blob]:
    """Embedded files and pictures, as members the registry reads (or lists as media)."""
    for info in zf.infolist():
        folder = posixpath.dirname(info.filename).rsplit("/", 1)[-1].lower()
        if info.is_dir() or folder not in ("embeddings", "media"):
            continue
        name = posixpath.basename(info.filename)
        yield Blob(f"{where}/{info.filename}", zf.read(info), name)
