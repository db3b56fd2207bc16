"""Fetching by URL against a real local HTTP server: size limits while streaming, redirects, and no private or
local destination for addresses typed into a page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from lockstep.lib.fetching import FetchError, fetch_url


class _Files(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/big")
            self.end_headers()
            return
        if self.path == "/missing":
            self.send_response(404)
            self.end_headers()
            return
        body = b"x" * 200_000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Files)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_a_file_within_the_limit_comes_back_whole_and_redirects_are_followed(server: str) -> None:
    assert len(fetch_url(f"{server}/big", limit=1_000_000)) == 200_000
    assert len(fetch_url(f"{server}/moved", limit=1_000_000)) == 200_000


def test_a_file_over_the_limit_is_refused_while_streaming(server: str) -> None:
    with pytest.raises(FetchError, match="larger than 100,000 bytes"):
        fetch_url(f"{server}/big", limit=100_000)


def test_an_error_status_is_a_fetch_error(server: str) -> None:
    with pytest.raises(FetchError, match="404"):
        fetch_url(f"{server}/missing", limit=1000)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1/x", "http://10.1.2.3/x", "http://169.254.169.254/latest", "ftp://example.org/x"]
)
def test_addresses_typed_into_a_page_may_not_reach_local_networks(url: str) -> None:
    with pytest.raises(FetchError):
        fetch_url(url, limit=1000, public_only=True)
