"""The client side of the SPARQL 1.1 Protocol, trusting nothing the server does.

- One total deadline per request (connecting, sending, waiting and reading together), not a
  timeout per read, so a server that drips bytes cannot hold the caller.
- Redirects are followed only within the endpoint's origin (scheme, host and port): a
  redirect elsewhere is refused, so credentials never leave the origin they were given for,
  and an answer from another server is never taken as the endpoint's.
- Every failure is one line naming the URL and the HTTP status and reason.

Requests are POSTs with form-encoded bodies (``query=`` or ``update=``), which every SPARQL
server accepts and which have no URL length limit.
"""

from __future__ import annotations

import base64
import threading
import urllib.request
from dataclasses import dataclass
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit

from mfgkg.choices import MAX_BYTES
from mfgkg.errors import QueryError, StoreError

MAX_ANSWER = MAX_BYTES


@dataclass(frozen=True)
class Credentials:
    """A user name and password, sent as HTTP basic or answered to a digest challenge."""

    user: str
    password: str
    scheme: str = "basic"


@dataclass(frozen=True)
class Answer:
    """A successful HTTP answer: media type (without parameters) and body."""

    media_type: str
    body: bytes


def origin(url: str) -> tuple[str, str, int | None]:
    """Scheme, host and port (default ports made explicit) of ``url``."""
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme, (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only when it stays within the endpoint's origin."""

    def __init__(self, home: str):
        self.home = origin(home)

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if origin(newurl) != self.home:
            raise StoreError(f"{req.full_url}: HTTP {code} {msg}: redirected to another origin ({newurl[:200]}); "
                             "not followed, so credentials and answers stay with the endpoint given")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def post(url: str, form: dict[str, str | list[str]], accept: str, deadline: float,
         credentials: Credentials | None = None) -> Answer:
    """POST ``form`` to ``url`` and return the answer within ``deadline`` seconds, or raise one line.

    HTTP 400 raises :class:`QueryError` (the server refused the query); every other failure
    raises :class:`StoreError`.
    """
    outcome: dict[str, object] = {}

    def exchange() -> None:
        try:
            outcome["answer"] = _exchange(url, form, accept, deadline, credentials)
        except Exception as exc:  # handed to the caller below
            outcome["error"] = exc

    worker = threading.Thread(target=exchange, name="sparql-client", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        raise StoreError(f"{url}: no complete answer within {deadline:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["answer"]  # type: ignore[return-value]


def _exchange(url: str, form: dict[str, str | list[str]], accept: str, deadline: float,
              credentials: Credentials | None) -> Answer:
    handlers: list[urllib.request.BaseHandler] = [_SameOriginRedirects(url)]
    request = urllib.request.Request(url, data=urlencode(form, doseq=True).encode("utf-8"), method="POST",
                                     headers={"Accept": accept, "User-Agent": "mfgkg",
                                              "Content-Type": "application/x-www-form-urlencoded"})
    if credentials and credentials.scheme == "digest":
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, credentials.user, credentials.password)
        handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
    elif credentials:
        token = base64.b64encode(f"{credentials.user}:{credentials.password}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=deadline) as response:
            body = response.read(MAX_ANSWER + 1)
            media = (response.headers.get_content_type() or "").lower()
            declared = response.headers.get("Content-Length", "")
    except HTTPError as exc:
        raise _http_error(url, exc) from None
    except (URLError, OSError, HTTPException) as exc:
        reason = getattr(exc, "reason", None) or exc
        if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
            raise StoreError(f"{url}: no complete answer within {deadline:g} s") from None
        if isinstance(exc, HTTPException):
            raise StoreError(f"{url}: the answer was cut short or malformed ({type(exc).__name__})") from None
        raise StoreError(f"{url}: unreachable ({reason})") from None
    if len(body) > MAX_ANSWER:
        raise StoreError(f"{url}: answer over {MAX_ANSWER} bytes")
    if declared.isdigit() and int(declared) != len(body):
        raise StoreError(f"{url}: the answer was cut short ({len(body)} of {declared} bytes)")
    return Answer(media, body)


def _http_error(url: str, exc: HTTPError) -> StoreError | QueryError:
    """One line: status, reason and the first informative line of the server's text."""
    try:
        body = exc.read(4096)
    except (OSError, HTTPException):
        body = b""
    # Python before 3.11.4 gives an error urllib made itself (digest auth refused) an empty text body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("<")]
    detail = f": {lines[0][:200]}" if lines else ""
    if exc.code == 400:
        return QueryError(f"SPARQL syntax error at {url}: HTTP 400 {exc.reason}{detail}")
    hint = " (check MFGKG_SPARQL_USER, MFGKG_SPARQL_PASSWORD, MFGKG_SPARQL_AUTH)" if exc.code == 401 else ""
    return StoreError(f"{url}: HTTP {exc.code} {exc.reason}{hint}{detail}")
