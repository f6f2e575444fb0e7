"""The service over a real store: the UN consolidated list and an FtM dataset with ownership and
directorship links (``zala``), both from ``$MONEYTRAIL_DATA_DIR``; keys of every role."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from moneytrail import lists as lists_cap
from moneytrail.api.app import ApiConfig, create_app, uvicorn_options
from moneytrail.api.service import Service
from moneytrail.store import Store
from moneytrail.store.access import create_key


@dataclass
class Env:
    home: Path
    url: str
    keys: dict[str, str]  # role -> token


def load(store: Store, path: Path) -> None:
    outcomes, _ = lists_cap.load_path(store, path)
    assert outcomes and all(o.ok for o in outcomes), [o.error for o in outcomes]


@pytest.fixture(scope="module")
def api_env(tmp_path_factory, data_dir: Path) -> Env:
    home = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{home / 'store.db'}"
    store = Store.open(url)
    load(store, data_dir / "lists" / "un_2026-02-27")
    load(store, data_dir / "ftm" / "zala_entities.ftm.json")
    keys = {role: create_key(store, role, f"test {role}")[1]
            for role in ("viewer", "analyst", "admin")}
    store.engine.dispose()
    return Env(home, url, keys)


def make_service(env: Env, **kw) -> Service:
    service = Service(env.url, env.home / "index", **kw)
    service.load()
    return service


@pytest.fixture(scope="module")
def service(api_env: Env) -> Service:
    return make_service(api_env)


@pytest.fixture(scope="module")
def client(service: Service):
    from fastapi.testclient import TestClient

    app = create_app(service, ApiConfig(rate=10_000))
    with TestClient(app) as c:
        yield c


def auth(env: Env, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {env.keys[role]}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """The app on a real uvicorn server on loopback, in a thread of the test process, run as
    ``moneytrail serve`` runs it."""

    def __init__(self, app) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                    **uvicorn_options("info")))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
