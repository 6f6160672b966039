"""Format plug-ins; importing this package registers them all, most specific first."""

from dlp.extract.formats import eml as eml
from dlp.extract.formats import html as html
from dlp.extract.formats import table_text as table_text
from dlp.extract.formats import plain as plain  # last: it takes any text-like blob
