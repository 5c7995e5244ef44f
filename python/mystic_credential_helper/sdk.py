"""pipeline-ai's configuration, with its tokens from mystic-credential-helper.

The SDK sends ``active_remote.token`` from config.yaml. Once ``migrate`` has moved the tokens
into the keyring, that file holds none and the SDK would send ``Bearer None``. When
``pipeline.configuration`` has loaded, this module:

- gives the remote the SDK uses its token, read through the helper, in memory only (again
  after ``set_active_remote``, as ``pipeline cluster use`` calls it);
- keeps every token it gave out of the SDK's saves;
- stores a token given to ``add_remote`` (``pipeline cluster login``) through the helper, so
  that config.yaml never holds it.

Anything unexpected (no helper, a locked keyring, an SDK it does not know) leaves the SDK as it
is, with one line on stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from importlib.machinery import ModuleSpec
from types import ModuleType
from typing import Any, Callable, Dict, List, Optional, Sequence

EXE = "mystic-credential-helper" + (".exe" if os.name == "nt" else "")
# Longer than the helper's own deadlines (a keyring prompt a person answers waits up to
# MYSTIC_PROMPT_TIMEOUT, 60 s by default): this only stops a helper that hangs.
TIMEOUT = 300
# The SDK releases whose configuration module this was written against.
SDK_MAJOR = "2."


class KeyringToken(str):
    """A token from the keyring: the SDK sends it as any other, but never prints it."""

    def __repr__(self) -> str:
        return "'<in the keyring>'"


class Unusable(Exception):
    """Why the integration stays out of the SDK's way (the one warning's text)."""


def warn(message: str) -> None:
    sys.stderr.write(f"mystic-credential-helper: warning: {message}\n")


def find_spec(
    skip: object, name: str, path: Optional[Sequence[str]], target: Optional[ModuleType]
) -> Optional[ModuleSpec]:
    """The spec the other finders give ``name``, whose loader runs ``integrate`` after it."""
    for finder in sys.meta_path:
        if finder is skip or not hasattr(finder, "find_spec"):
            continue
        spec: Optional[ModuleSpec] = finder.find_spec(name, path, target)
        if spec is not None:
            if hasattr(spec.loader, "exec_module"):
                spec.loader = Loader(spec.loader)  # type: ignore[assignment]
            return spec
    return None


class Loader:
    """The SDK's own loader, followed by ``integrate``; asked for anything else, the SDK's."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def create_module(self, spec: ModuleSpec) -> Optional[ModuleType]:
        module: Optional[ModuleType] = self.inner.create_module(spec)
        return module

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        try:
            integrate(module)
        except Unusable as e:
            warn(f"{e}; the SDK runs without it")
        except Exception as e:  # noqa: BLE001 - never break the SDK's import
            warn(f"the SDK integration failed ({type(e).__name__}); the SDK runs without it")


def integrate(module: ModuleType) -> None:
    # Also read here: a notebook may set it after start-up (`%env MYSTIC_SDK_INTEGRATION=0`).
    if os.environ.get("MYSTIC_SDK_INTEGRATION") == "0":
        return
    configuration = module.current_configuration
    cls = type(configuration)
    check_sdk(module, cls)
    if getattr(cls, "_mystic_integrated", False):
        return
    helper = Helper(locate(), Path(os.path.abspath(module.PIPELINE_DIR)))
    patch(module, cls, helper)
    config = configuration._config
    remotes = config.remotes or []
    # The remote the SDK will use: the active one, else the first (which it then makes active).
    alias = config.active_remote or (remotes[0].alias if remotes else None)
    helper.fill(configuration, alias)


def check_sdk(module: ModuleType, cls: type) -> None:
    from importlib import metadata

    try:
        version = metadata.version("pipeline-ai")
    except metadata.PackageNotFoundError:
        version = "unknown"
    needed = ("save", "add_remote", "set_active_remote", "load")
    shaped = all(callable(getattr(cls, n, None)) for n in needed) and hasattr(
        module, "PIPELINE_DIR"
    )
    if not version.startswith(SDK_MAJOR) or not shaped:
        raise Unusable(f"pipeline-ai {version} is not a version this integration knows")


def locate() -> List[str]:
    """The helper's command: where ``sdk install`` recorded it (with the store it recorded),
    else the one pip installed with this package (from the package's own RECORD, never from
    the current folder)."""
    here = Path(__file__).resolve().parent
    recorded = here / "helper-path"
    if recorded.is_file():
        store = here / "helper-store"
        chosen = ["--store", store.read_text(encoding="utf-8").strip()] if store.is_file() else []
        return [recorded.read_text(encoding="utf-8").strip(), *chosen]
    from importlib import metadata

    for info in here.parent.glob("mystic_credential_helper-*.dist-info"):
        for file in metadata.Distribution.at(info).files or ():
            if file.name == EXE:
                return [str(Path(str(file.locate())).resolve())]
    raise Unusable(f"cannot find {EXE} next to this package")


class Helper:
    """The helper binary, asked through its JSON protocol (tokens on stdin and stdout only)."""

    def __init__(self, command: List[str], folder: Path) -> None:
        self.command = command
        self.folder = folder
        # alias -> the token given out from the keyring.
        self.given: Dict[str, str] = {}

    def ask(self, action: str, request: Dict[str, str]) -> Optional[Dict[str, Any]]:
        """The answer; ``None`` for not-found; ``Unusable`` for every other failure."""
        env = dict(os.environ, PIPELINE_DIR=str(self.folder))
        try:
            done = subprocess.run(
                [*self.command, action],
                input=json.dumps(request).encode(),
                capture_output=True,
                env=env,
                timeout=TIMEOUT,
            )
        except (OSError, subprocess.SubprocessError) as e:
            raise Unusable(f"cannot run {self.command[0]}: {e}") from None
        if done.returncode == 1 and action == "get":
            return None
        if done.returncode != 0:
            said = done.stderr.decode(errors="replace").strip().splitlines()
            last = said[-1].replace("mystic-credential-helper: ", "", 1) if said else ""
            raise Unusable(last or f"{action} failed (exit {done.returncode})")
        answer: Dict[str, Any] = json.loads(done.stdout)
        return answer

    def fill(self, configuration: Any, alias: Optional[str]) -> None:
        """Gives the remote ``alias`` its token, unless it has one."""
        remote = find(configuration, alias)
        if alias is None or remote is None or remote.token is not None:
            return
        answer = self.ask("get", {"alias": alias})
        if answer is None:
            raise Unusable(
                f"no token for {alias!r}: `mystic-credential-helper login {alias}` stores one"
            )
        token = KeyringToken(answer["token"])
        self.given[alias] = token
        remote.token = token

    def store(self, alias: str, url: str, token: str) -> bool:
        """Puts a new remote's token into the keyring; whether it is there."""
        try:
            self.ask("store", {"alias": alias, "url": url, "token": token})
        except Unusable as e:
            # Not the alias: it was typed, and may be a token typed in the wrong place.
            warn(f"{e}; the SDK keeps the new remote's token in config.yaml")
            return False
        self.given[alias] = token
        return True

    def without_given(self, doc: Dict[str, Any]) -> Dict[str, Any]:
        """The SDK's document with the tokens that came from the keyring taken out."""
        for remote in doc.get("remotes") or ():
            given = self.given.get(remote.get("alias"))
            if given is not None and remote.get("token") == given:
                del remote["token"]
        return doc


def find(configuration: Any, alias: Optional[str]) -> Any:
    config = configuration._config
    for remote in (config.remotes or ()) if config is not None else ():
        if remote.alias == alias:
            return remote
    return None


def patch(module: ModuleType, cls: Any, helper: Helper) -> None:
    add_remote: Callable[..., None] = cls.add_remote
    set_active_remote: Callable[..., None] = cls.set_active_remote

    def save(self: Any) -> None:
        # The SDK's own save (pipeline-ai 2.x), less the keyring's tokens. It rebuilds the
        # document instead of blanking the model, which another thread may be reading.
        if self._config is None:
            raise ValueError("No configuration loaded")
        doc = helper.without_given(json.loads(self._config.json(exclude_none=True)))
        folder = Path(module.PIPELINE_DIR)
        folder.mkdir(exist_ok=True)
        with open(folder / "config.yaml", "w") as file:
            module.yaml.dump(doc, file)

    def add_remote_(self: Any, alias: str, url: str, token: str) -> None:
        new = self._config is not None and find(self, alias) is None
        if new and isinstance(token, str) and helper.store(alias, url, token):
            token = KeyringToken(token)
        add_remote(self, alias, url, token)

    def set_active_remote_(self: Any, alias: str) -> None:
        set_active_remote(self, alias)
        try:
            helper.fill(self, alias)
        except Unusable as e:
            warn(str(e))

    cls.save = save
    cls.add_remote = add_remote_
    cls.set_active_remote = set_active_remote_
    cls._mystic_integrated = True

