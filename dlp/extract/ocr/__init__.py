"""OCR: the text of scans and photos, read with Tesseract.

`limits` holds the settings and the screening (what is worth reading),
`engine` runs Tesseract, `preprocess` straightens and cleans a page first,
`cache` remembers what an image said, `reader` ties them together for one
image or page, and `pdfpages` renders PDF pages that have no text layer.
Pictures inside office documents arrive as member blobs from their readers.
This module imports nothing heavy on purpose: `dlp.extract.base` imports the
settings from `limits`.
"""
