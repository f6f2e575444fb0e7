"""Downloads against a local HTTP server the test starts: no network."""

from __future__ import annotations

import socket
import threading
from contextlib import contextmanager

import pytest
from werkzeug import Request, Response

from moneytrail.fetch import FetchError, fetch


def test_download_then_not_modified_with_etag(httpserver, tmp_path):
    body = b"<xml>list</xml>" * 100
    httpserver.expect_request("/list.xml", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304)
    httpserver.expect_request("/list.xml").respond_with_data(
        body, headers={"ETag": '"v1"', "Last-Modified": "Fri, 03 May 2024 10:00:00 GMT"})
    dest = tmp_path / "list.xml"
    first = fetch(httpserver.url_for("/list.xml"), dest)
    assert (first.status, first.etag, first.size) == ("downloaded", '"v1"', len(body))
    assert first.last_modified == "Fri, 03 May 2024 10:00:00 GMT"
    assert dest.read_bytes() == body
    second = fetch(httpserver.url_for("/list.xml"), dest, etag=first.etag)
    assert second.status == "not_modified" and second.path is None
    assert dest.read_bytes() == body


def test_if_modified_since_is_sent(httpserver, tmp_path):
    seen = {}

    def handler(request: Request) -> Response:
        seen["ims"] = request.headers.get("If-Modified-Since")
        return Response(status=304)

    httpserver.expect_request("/l").respond_with_handler(handler)
    result = fetch(httpserver.url_for("/l"), tmp_path / "l", last_modified="Fri, 03 May 2024")
    assert result.status == "not_modified" and seen["ims"] == "Fri, 03 May 2024"


def test_server_error_is_retried_then_succeeds(httpserver, tmp_path):
    httpserver.expect_ordered_request("/l").respond_with_data("boom", status=500)
    httpserver.expect_ordered_request("/l").respond_with_data("ok-body")
    result = fetch(httpserver.url_for("/l"), tmp_path / "l", backoff=0)
    assert result.status == "downloaded" and (tmp_path / "l").read_bytes() == b"ok-body"


def test_persistent_server_error_fails_and_keeps_old_file(httpserver, tmp_path):
    dest = tmp_path / "l"
    dest.write_bytes(b"old good file")
    httpserver.expect_request("/l").respond_with_data("boom", status=500)
    with pytest.raises(FetchError, match=r"gave up after 3 attempts: server error 500"):
        fetch(httpserver.url_for("/l"), dest, retries=2, backoff=0)
    assert dest.read_bytes() == b"old good file"
    assert len(httpserver.log) == 3


def test_client_error_is_not_retried(httpserver, tmp_path):
    httpserver.expect_request("/l").respond_with_data("nope", status=404)
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch(httpserver.url_for("/l"), tmp_path / "l", backoff=0)
    assert len(httpserver.log) == 1


def test_timeout(tmp_path):
    with raw_server(None) as url:
        with pytest.raises(FetchError, match="timed out"):
            fetch(url, tmp_path / "l", timeout=0.2, retries=1, backoff=0)
    assert not (tmp_path / "l").exists()


def test_size_limit(httpserver, tmp_path):
    httpserver.expect_request("/l").respond_with_data(b"x" * 5000)
    with pytest.raises(FetchError, match="over the limit of 1000"):
        fetch(httpserver.url_for("/l"), tmp_path / "l", max_bytes=1000)
    assert not (tmp_path / "l").exists() and not (tmp_path / "l.part").exists()


@contextmanager
def raw_server(reply: bytes | None):
    """A raw HTTP server on loopback that answers every request with `reply` and hangs up,
    or, with None, reads the request and never answers (until the test ends)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    stop = threading.Event()

    def serve() -> None:
        sock.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                if reply is None:
                    stop.wait()
                else:
                    conn.sendall(reply)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/list.xml"
    finally:
        stop.set()
        thread.join()
        sock.close()


def truncating_server(declared: int, sent: bytes):
    """A server that promises `declared` bytes, sends `sent`, and hangs up."""
    return raw_server(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                      b"Connection: close\r\n\r\n" % declared + sent)


def test_truncated_body_fails_and_never_replaces_the_file(tmp_path):
    dest = tmp_path / "list.xml"
    dest.write_bytes(b"old good file")
    with truncating_server(10_000, b"<xml>half") as url:
        with pytest.raises(FetchError, match="attempts"):
            fetch(url, dest, retries=1, backoff=0)
    assert dest.read_bytes() == b"old good file"
    assert not (tmp_path / "list.xml.part").exists()
