"""Detection: patterns/*.yaml and spaCy NER through Presidio.

Every module that imports Presidio or spaCy is in this package, so the parts
of them a scan never uses are deferred here, before the first such import.
"""

from dlp.detect import deferred

deferred.install()
