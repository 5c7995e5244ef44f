"""mystic-credential-helper's part in Python: gives the pipeline-ai SDK its tokens.

``mystic_credential_helper.pth`` imports this package when Python starts. All it does then is
put a finder in front of ``sys.meta_path`` that waits for ``pipeline.configuration``; the work
happens in ``sdk.py``, and only in programs that import the SDK. ``MYSTIC_SDK_INTEGRATION=0``
turns it off.
"""

from __future__ import annotations

import os
import sys

# Importing this at start-up is all it costs a Python that never imports the SDK: no other
# import (typing's names are for the type checker only), and one comparison per import.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from importlib.machinery import ModuleSpec
    from types import ModuleType
    from typing import Sequence


class Finder:
    """Hands ``pipeline.configuration`` to ``sdk.find_spec``; passes every other import on."""

    def find_spec(
        self, name: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if name != "pipeline.configuration":
            return None
        # Resolved through this package's own folder, never the current one.
        from . import sdk

        return sdk.find_spec(self, name, path, target)


def _install() -> None:
    if os.environ.get("MYSTIC_SDK_INTEGRATION") == "0":
        return
    if not any(type(f).__name__ == "Finder" and type(f).__module__ == __name__ for f in sys.meta_path):
        sys.meta_path.insert(0, Finder())


_install()
