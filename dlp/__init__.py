"""dlp: outbound data-loss-prevention mail filter for K-12 school districts."""

import os

# One BLAS thread per process (see dlp.detect.blas); read when numpy first loads OpenBLAS.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
del _variable

__version__ = "0.1.0"
