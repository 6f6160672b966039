"""Parts of Presidio and spaCy that a scan never uses, imported only when something asks.

`import presidio_analyzer` imports every predefined recognizer (compiling a URL
regex over every top-level domain and loading phonenumbers), and `import
spacy` imports spaCy's whole command line (typer, weasel, requests, httpx)
for `spacy.info`.  dlp uses neither: its recognizers come from patterns/*.yaml
and the model is loaded by name.  Together they were about 0.5 s of CPU at
every start of `dlp scan`, `dlp explain` and each scan worker.

`install()` puts a stand-in for each package in `sys.modules` before the
libraries are imported.  A stand-in serves the few names the libraries
themselves import at start-up (Presidio's NLP-engine recognizers, spaCy's
`info` function) and loads the real package into itself the first time any
other name is read, so code that does use them (Presidio's default registry,
`spacy.info()`, `spacy.cli`) works as before.  Presidio finds a predefined
recognizer by name among the subclasses of its `EntityRecognizer`, which exist
only once their modules ran, so that look-up loads the real package first.
When a library's layout is not the one expected, nothing is replaced.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

PRESIDIO_RECOGNIZERS = "presidio_analyzer.predefined_recognizers"
# what presidio_analyzer's registry imports from that package, and where each one lives
NLP_ENGINE_RECOGNIZERS = {
    name: f"{PRESIDIO_RECOGNIZERS}.nlp_engine_recognizers"
    for name in ("SpacyRecognizer", "StanzaRecognizer", "TransformersRecognizer")
}
PRESIDIO_LOADER = "presidio_analyzer.recognizer_registry.recognizers_loader_utils"
SPACY_CLI = "spacy.cli"


def install() -> None:
    """Defer both packages, each only if neither it nor its library is imported yet."""
    if "presidio_analyzer" not in sys.modules:
        _defer(PRESIDIO_RECOGNIZERS, NLP_ENGINE_RECOGNIZERS, _complete_presidio_lookups)
    if "spacy" not in sys.modules and _defer(SPACY_CLI, {}):
        # `spacy/__init__.py` runs `from .cli.info import info`: a function that loads the CLI
        info = ModuleType(f"{SPACY_CLI}.info")
        vars(info)["__getattr__"] = _spacy_info_module
        sys.modules[info.__name__] = info


Loader = Callable[[], ModuleType]


def _defer(
    name: str, light: dict[str, str], on_light: Callable[[Loader], None] | None = None
) -> bool:
    """A stand-in for package `name`: `light` names come from their own submodules;
    `on_light(load_real)` runs at each such import."""
    parent, _, child = name.partition(".")
    found = importlib.util.find_spec(parent)  # finds the top package without importing it
    if found is None or found.origin is None:
        return False
    folder = Path(found.origin).parent / child
    init = folder / "__init__.py"
    if not init.is_file():
        return False
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        return False
    loader = spec.loader
    stand_in = importlib.util.module_from_spec(spec)  # __path__: real submodules import as usual

    def load_real() -> ModuleType:
        if "__getattr__" not in vars(stand_in):
            return stand_in  # loaded already
        del vars(stand_in)["__getattr__"]
        for key in [k for k in sys.modules if k.startswith(f"{name}.")]:
            if sys.modules[key].__spec__ is None:  # a stand-in (spacy.cli.info): the real one
                del sys.modules[key]
        loader.exec_module(stand_in)
        _bind(name)
        return stand_in

    def attribute(attr: str) -> Any:
        if attr in light:
            _bind(name)
            if on_light is not None:
                on_light(load_real)
            return getattr(importlib.import_module(light[attr]), attr)
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(load_real(), attr)

    vars(stand_in)["__getattr__"] = attribute  # PEP 562: names the module does not have
    vars(stand_in)["load_real"] = load_real
    sys.modules[name] = stand_in
    return True


def _bind(name: str) -> None:
    """Make a module in `sys.modules` an attribute of its parent, as an import would."""
    parent, _, child = name.rpartition(".")
    if parent in sys.modules and name in sys.modules:
        setattr(sys.modules[parent], child, sys.modules[name])


def _complete_presidio_lookups(load_real: Loader) -> None:
    """Have Presidio's by-name look-up of recognizer classes load them all first (its
    registry imports the NLP-engine recognizers again after this loader exists)."""
    loader = getattr(sys.modules.get(PRESIDIO_LOADER), "RecognizerListLoader", None)
    if loader is None or getattr(loader, "completes_deferred", False):
        return
    find = loader.get_all_existing_recognizers

    def find_all(*args: Any, **kwargs: Any) -> Any:
        load_real()
        return find(*args, **kwargs)

    loader.get_all_existing_recognizers = staticmethod(find_all)
    loader.completes_deferred = True


def _spacy_info_module(attr: str) -> Any:
    """`from .cli.info import info` in `spacy/__init__.py`: `_spacy_info`, and the stand-ins
    bound where `spacy.cli` and `spacy.cli.info` are looked up."""
    if attr != "info":
        raise AttributeError(attr)
    _bind(SPACY_CLI)
    _bind(f"{SPACY_CLI}.info")
    return _spacy_info


def _spacy_info(*args: Any, **kwargs: Any) -> Any:
    """`spacy.info`: the real one, from spaCy's command line loaded now."""
    cli = sys.modules[SPACY_CLI]
    load: Loader | None = getattr(cli, "load_real", None)
    return (load() if load is not None else cli).info(*args, **kwargs)
