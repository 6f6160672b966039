"""Format plug-ins; importing this package registers them all, most specific first.

Extractors with unambiguous magic bytes come first (content decides before the
name); the zip and OLE families then sort their members out by content; the
text formats follow, and plain text stays last: it takes any text-like blob.
The order is the registration order, so imports are deliberately not sorted.

Registering is cheap: a plug-in's format library (PDFium, openpyxl, py7zr,
Pillow, ...) is imported when the first part of its kind arrives, and the
zip family's document readers (Word, Excel, PowerPoint, OpenDocument) are
named in `zipfamily` and imported the same way.  A plain-text scan loads none.
"""
# ruff: noqa: I001

from dlp.extract.formats import pdf as pdf
from dlp.extract.formats import image as image
from dlp.extract.formats import zipfamily as zipfamily
from dlp.extract.formats import biff as biff  # bare Excel 2-4 streams
from dlp.extract.formats import ole as ole
from dlp.extract.formats import archives as archives
from dlp.extract.formats import rtf as rtf
from dlp.extract.formats import officexml as officexml
from dlp.extract.formats import eml as eml
from dlp.extract.formats import html as html
from dlp.extract.formats import table_text as table_text
from dlp.extract.formats import plain as plain  # last: it takes any text-like blob
