"""A scriptable Secret Service, for the states no real one produces on demand.

The part of the freedesktop Secret Service API the helper uses (plain sessions only), on the
session bus, through jeepney. MYSTIC_TEST_SCRIPTED (comma-separated) picks the state:

- ``no-collection``: there is no collection; ``CreateCollection`` makes one at once.
- ``locked``: the collection is locked, and ``Unlock`` unlocks it at once, with no prompt.

It never replaces the real services (scripts/secret-service.sh runs those); tests use it only
where none of them can be put in the state.
"""

from __future__ import annotations

import os
import time
from typing import Any, Dict, List, Tuple

from jeepney import HeaderFields, Message, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection

ROOT = "/org/freedesktop/secrets"
COLLECTION = ROOT + "/collection/scripted"
SECRET = "org.freedesktop.Secret"
NO_PROMPT = "/"


class Service:
    def __init__(self, conn: DBusConnection, script: List[str]) -> None:
        self.conn = conn
        self.exists = "no-collection" not in script
        self.locked = "locked" in script
        # path -> (attributes, secret, modified)
        self.items: Dict[str, Tuple[Dict[str, str], bytes, int]] = {}
        self.count = 0

    def reply(self, msg: Message, signature: str, *body: Any) -> None:
        self.conn.send(new_method_return(msg, signature, body))

    def fail(self, msg: Message, name: str, text: str) -> None:
        self.conn.send(new_error(msg, name, "s", (text,)))

    def handle(self, msg: Message) -> None:
        fields = msg.header.fields
        path = fields[HeaderFields.path]
        member = fields[HeaderFields.member]
        if member in ("Get", "GetAll"):
            return self.properties(msg, path, member)
        handler = getattr(self, "on_" + member, None)
        if handler is None:
            return self.fail(msg, "org.freedesktop.DBus.Error.UnknownMethod", member)
        handler(msg, path, *msg.body)

    def properties(self, msg: Message, path: str, member: str) -> None:
        if path == ROOT:
            props = {"Collections": ("ao", [COLLECTION] if self.exists else [])}
        elif path == COLLECTION and self.exists:
            props = {
                "Items": ("ao", list(self.items)),
                "Locked": ("b", self.locked),
                "Label": ("s", "scripted"),
            }
        elif path in self.items:
            attributes, _, modified = self.items[path]
            props = {
                "Attributes": ("a{ss}", attributes),
                "Modified": ("t", modified),
                "Created": ("t", modified),
                "Label": ("s", "item"),
                "Locked": ("b", self.locked),
            }
        else:
            return self.fail(msg, "org.freedesktop.DBus.Error.UnknownObject", path)
        if member == "GetAll":
            return self.reply(msg, "a{sv}", props)
        return self.reply(msg, "v", props[msg.body[1]])

    def on_OpenSession(self, msg: Message, path: str, algorithm: str, _: Any) -> None:
        if algorithm != "plain":
            return self.fail(msg, SECRET + ".Error.NotSupported", algorithm)
        self.reply(msg, "vo", ("s", ""), ROOT + "/session/1")

    def on_ReadAlias(self, msg: Message, path: str, name: str) -> None:
        self.reply(msg, "o", COLLECTION if self.exists and name == "default" else NO_PROMPT)

    def on_CreateCollection(self, msg: Message, path: str, props: Any, alias: str) -> None:
        self.exists = alias == "default" or self.exists
        self.reply(msg, "oo", COLLECTION, NO_PROMPT)

    def on_SearchItems(self, msg: Message, path: str, wanted: Dict[str, str]) -> None:
        found = [
            p for p, (attributes, _, _) in self.items.items()
            if all(attributes.get(k) == v for k, v in wanted.items())
        ]
        self.reply(msg, "aoao", [] if self.locked else found, found if self.locked else [])

    def on_Unlock(self, msg: Message, path: str, objects: List[str]) -> None:
        # What the spec allows: unlocked at once, with no prompt.
        self.locked = False
        self.reply(msg, "aoo", objects, NO_PROMPT)

    def on_Lock(self, msg: Message, path: str, objects: List[str]) -> None:
        self.locked = True
        self.reply(msg, "aoo", objects, NO_PROMPT)

    def on_CreateItem(self, msg: Message, path: str, props: Any, secret: Any, replace: bool) -> None:
        if self.locked:
            return self.fail(msg, SECRET + ".Error.IsLocked", path)
        attributes = props[SECRET + ".Item.Attributes"][1]
        self.count += 1
        item = f"{COLLECTION}/{self.count}"
        self.items[item] = (dict(attributes), bytes(secret[2]), int(time.time()))
        self.reply(msg, "oo", item, NO_PROMPT)

    def on_GetSecret(self, msg: Message, path: str, session: str) -> None:
        if self.locked:
            return self.fail(msg, SECRET + ".Error.IsLocked", path)
        if path not in self.items:
            return self.fail(msg, SECRET + ".Error.NoSuchObject", path)
        self.reply(msg, "(oayays)", (session, b"", self.items[path][1], "text/plain"))

    def on_SetSecret(self, msg: Message, path: str, secret: Any) -> None:
        attributes, _, _ = self.items[path]
        self.items[path] = (attributes, bytes(secret[2]), int(time.time()))
        self.reply(msg, "")

    def on_Delete(self, msg: Message, path: str) -> None:
        self.items.pop(path, None)
        self.reply(msg, "o", NO_PROMPT)


def main() -> None:
    script = [s for s in os.environ.get("MYSTIC_TEST_SCRIPTED", "").split(",") if s]
    conn = open_dbus_connection(bus="SESSION")
    conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.secrets"))
    service = Service(conn, script)
    while True:
        msg = conn.receive()
        if msg.header.message_type == MessageType.method_call:
            service.handle(msg)


if __name__ == "__main__":
    main()
