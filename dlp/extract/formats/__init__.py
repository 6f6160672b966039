"""Format plug-ins; importing this package registers them all, most specific first.

Extractors with unambiguous magic bytes come first (content decides before the
name); the zip and OLE families then sort their members out by content; the
text formats follow, and plain text stays last: it takes any text-like blob.
The order is the registration order, so imports are deliberately not sorted.
"""
# ruff: noqa: I001

from dlp.extract.formats import pdf as pdf
from dlp.extract.formats import image as image
from dlp.extract.formats import zipfamily as zipfamily
from dlp.extract.formats import word as word  # zip readers: register with zipfamily
from dlp.extract.formats import excel as excel
from dlp.extract.formats import powerpoint as powerpoint
from dlp.extract.formats import opendoc as opendoc
from dlp.extract.formats import ole as ole
from dlp.extract.formats import archives as archives
from dlp.extract.formats import rtf as rtf
from dlp.extract.formats import officexml as officexml
from dlp.extract.formats import eml as eml
from dlp.extract.formats import html as html
from dlp.extract.formats import table_text as table_text
from dlp.extract.formats import plain as plain  # last: it takes any text-like blob
