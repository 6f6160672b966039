"""OCR: the text of scans and photos, read with Tesseract.

`limits` holds the settings and the screening (what is worth reading),
`engine` runs Tesseract, `preprocess` straightens and cleans a page first,
`cache` remembers what an image said, `reader` ties them together for one
image or page, and `pdfpages` / `embedded` find the pages and pictures in
PDFs and office documents.  This module imports nothing heavy on purpose:
`dlp.extract.base` imports the settings from `limits`.
"""
