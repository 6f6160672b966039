"""spaCy's networks multiply matrices with numpy's OpenBLAS, on one thread.

thinc multiplies with the BLIS it bundles unless told otherwise.  On the AMD
EPYC machines this project is measured on (AVX-512), that BLIS runs the
matrix sizes of the small English pipeline at about a third of OpenBLAS's
speed (29 against 100 GFLOP/s for 2000×288 by 288×288, one core), and the
matrix products are most of NER's time: `tok2vec` took half as long and
`ner` a fifth less on OpenBLAS, with the same entities and tags.

One thread: a scanning process handles one message at a time and the relay
runs one process per core, so a BLAS thread pool would only spin against
the other workers (NER took 1.8× the CPU time with OpenBLAS's default pool).
The limit has to be in the environment before numpy loads OpenBLAS, so it is
set where the `dlp` package is imported (`dlp/__init__.py`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from thinc.api import use_ops


@contextmanager
def openblas() -> Iterator[None]:
    """Models built inside multiply with numpy (OpenBLAS) instead of BLIS."""
    with use_ops("numpy", use_blis=False):
        yield
