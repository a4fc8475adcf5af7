"""The guard in front of every request: host, token, body size, CSRF, security headers.

One pure ASGI middleware, so no route can forget a check. In order:

1. **Host header.** Without a token the app only answers requests addressed to a loopback
   name (``127.0.0.1``, ``localhost``, ``[::1]``): a web page cannot use DNS rebinding to
   read your salaries through your browser.
2. **Token.** With a token (`crossroads serve` makes one unless ``--no-token``), every
   request carries it: ``Authorization: Bearer TOKEN``, or ``?token=TOKEN`` once, which
   opens a login session and redirects to the same URL without it. The session's cookie
   (HttpOnly, SameSite=Strict, ``Max-Age`` :data:`LOGIN_TTL`) holds a random id known only
   to this process, not anything derived from the token, and expires. Wrong tokens are
   slowed: past :data:`FREE_FAILURES` failures a minute, each waits twice as long as the
   last (up to :data:`MAX_DELAY` seconds), so guessing is hopeless even for short tokens.
3. **Body size.** Any request body is read here, counting the bytes as they stream in, and
   refused with 413 past ``max_body`` (the Content-Length header is checked first, but not
   trusted).
4. **CSRF.** Every POST/PUT/PATCH/DELETE needs the session's CSRF token, in the
   ``X-CSRF-Token`` header or the ``csrf_token`` form field. The token is an HMAC of the
   session cookie under a secret that lives only in the server process (a signed double
   submit), so a cookie planted by another site cannot be paired with a token. Requests
   authenticated with the ``Authorization`` header are exempt: browsers never add it on
   their own. A cross-site ``Origin`` is refused as well, and so is any cross-site request
   (``Sec-Fetch-Site``) that is not a plain navigation: other sites may link here, but not
   embed, script or fetch anything.
5. **Headers.** A CSP with no remote source, ``frame-ancestors 'none'``, nosniff,
   no-referrer, and ``Cache-Control: no-store`` on everything but static files.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import CookieError, SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from crossroads.errors import CrossroadsError
from crossroads.web.settings import LOOPBACK_NAMES, Settings, is_loopback

__all__ = [
    "CSP",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "Guard",
    "RedactToken",
    "auth_cookie_name",
    "csrf_token_for",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SESSION_COOKIE = "crossroads_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Seconds a login session (the cookie ``?token=`` sets) lasts.
LOGIN_TTL = 12 * 3600
#: Login sessions kept at once; the oldest goes first.
MAX_LOGINS = 1000
#: Wrong tokens a minute answered at once; later ones wait 0.25 s, 0.5 s, 1 s ...
FREE_FAILURES = 5
MAX_DELAY = 10.0

CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
# Plotly writes inline style attributes and <style> elements, hence 'unsafe-inline' for
# styles only; scripts come from this server alone.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
)


class Refused(CrossroadsError):
    """A request the guard answers itself, with this status and message."""

    def __init__(self, status: int, message: str,
                 headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def csrf_token_for(secret: bytes, session: str) -> str:
    """The CSRF token that goes with a session cookie: HMAC-SHA256 under the server secret.

    >>> len(csrf_token_for(b"k" * 32, "abc"))
    64
    """
    return hmac.new(secret, b"csrf:" + session.encode(), hashlib.sha256).hexdigest()


def auth_cookie_name(port: int) -> str:
    """Cookies ignore ports, so two servers on one machine need distinct cookie names."""
    return f"crossroads_auth_{port}"


def _same(a: str | None, b: str) -> bool:
    return a is not None and hmac.compare_digest(a.encode(), b.encode())


def _cookie(name: str, value: str, max_age: int | None = None) -> bytes:
    age = f"; Max-Age={max_age}" if max_age is not None else ""
    return f"{name}={value}; Path=/; HttpOnly; SameSite=Strict{age}".encode()


class Logins:
    """Login sessions: random ids with an expiry, held in this process only.

    A cookie is worth nothing once the server stops, and it never reveals the token
    (the old cookie was a hash of it, valid forever, so a copied cookie was as good as
    the token). Failed attempts are counted here to slow guessing.
    """

    def __init__(self, ttl: float = LOGIN_TTL, clock: Any = time.monotonic) -> None:
        self.ttl, self.clock = ttl, clock
        self.ids: dict[str, float] = {}
        self.failures: list[float] = []

    def open(self) -> str:
        if len(self.ids) >= MAX_LOGINS:
            self.ids.pop(next(iter(self.ids)))
        login = secrets.token_urlsafe(32)
        self.ids[login] = self.clock() + self.ttl
        return login

    def valid(self, login: str | None) -> bool:
        if not login:
            return False
        expires = self.ids.get(login)
        if expires is None:
            return False
        if expires < self.clock():
            del self.ids[login]
            return False
        return True

    def delay(self) -> float:
        """Record a failure; the seconds to wait before answering it."""
        now = self.clock()
        self.failures = [t for t in self.failures if t > now - 60][-100:] + [now]
        extra = len(self.failures) - FREE_FAILURES
        return 0.0 if extra <= 0 else min(0.25 * 2 ** (extra - 1), MAX_DELAY)


_TOKEN_IN_TEXT = re.compile(r"([?&]token=)[^&\s\"']*")


def redact(text: str) -> str:
    """Hide the value of any ``token=`` query parameter.

    >>> redact("GET /d/0/a.yaml?token=abc123&x=1")
    'GET /d/0/a.yaml?token=[hidden]&x=1'
    """
    return _TOKEN_IN_TEXT.sub(r"\1[hidden]", text)


class RedactToken(logging.Filter):
    """A logging filter for uvicorn's access log: the ``?token=`` of a link never lands
    in a log (``crossroads serve`` installs it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


class _Request:
    """The few parts of the ASGI scope the guard reads, decoded once."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.headers: dict[str, str] = {}
        for key, value in scope.get("headers", []):
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            self.headers[name] = f"{self.headers[name]}, {text}" if name in self.headers else text
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except CookieError:  # a malformed Cookie header is just no cookies
            jar = SimpleCookie()
        self.cookies = {k: m.value for k, m in jar.items()}
        self.query = parse_qs(scope.get("query_string", b"").decode("latin-1"),
                              keep_blank_values=True)

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class Guard:
    """ASGI middleware applying the checks in this module's docstring to every request."""

    def __init__(self, app: ASGIApp, settings: Settings, secret: bytes) -> None:
        self.app = app
        self.settings = settings
        self.secret = secret
        self.auth_cookie = auth_cookie_name(settings.port)
        self.logins = Logins()
        self.hosts = {h.lower() for h in (*LOOPBACK_NAMES, *settings.extra_hosts)}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # no websockets here
            return
        request = _Request(scope)
        cookies: list[bytes] = []
        try:
            self._check_host(request)
            self._check_fetch_site(request)
            via = await self._authenticate(request, cookies)
            body = await self._read_body(request, receive)
            session = self._session(request, cookies)
            if request.method not in SAFE_METHODS:
                self._check_csrf(request, body, session, exempt=via == "header")
        except Refused as refusal:
            await self._refuse(request, send, refusal, cookies)
            return
        started: list[bool] = []
        try:
            await self.app(scope, _replay(body, receive),
                           _with_headers(send, request, cookies, started))
        except Exception:
            # Starlette's error middleware sits outside the guard: answer the 500 here so
            # it carries the security headers, then let the error reach the log.
            if not started:
                await self._refuse(request, send, Refused(500, "internal server error"), [])
            raise

    def _check_host(self, request: _Request) -> None:
        if not self.settings.checks_host_header:
            return
        host = request.header("host") or ""
        name = urlsplit(f"//{host}").hostname or ""
        # any loopback address literal (127.0.0.0/8, ::1) is this machine; names stay listed
        if (not is_loopback(name) and name.lower() not in self.hosts
                and f"[{name.lower()}]" not in self.hosts):
            raise Refused(400, f"unexpected Host header {host!r}: without a token crossroads "
                               "only answers requests addressed to 127.0.0.1 or localhost")

    @staticmethod
    def _check_fetch_site(request: _Request) -> None:
        """Another site may link here (a navigation) but not script, embed or fetch us.

        Browsers label every request with ``Sec-Fetch-Site``; without this check a page
        elsewhere could make your browser start simulations here, even if it cannot read
        the answers.
        """
        if (request.header("sec-fetch-site") == "cross-site"
                and request.header("sec-fetch-mode") != "navigate"):
            raise Refused(403, "cross-site request refused")

    async def _authenticate(self, request: _Request, cookies: list[bytes]) -> str:
        """:meth:`_check_token`, with wrong tokens slowed down (see the module docstring)."""
        try:
            return self._check_token(request, cookies)
        except Refused as refusal:
            tried = (request.header("authorization") or request.query.get("token")
                     or request.cookies.get(self.auth_cookie))
            if refusal.status == 401 and tried:
                await asyncio.sleep(self.logins.delay())
            raise

    def _check_token(self, request: _Request, cookies: list[bytes]) -> str:
        """Return how the request authenticated: header, cookie, query or none needed."""
        if not self.settings.token:
            return "none"
        token = self.settings.token
        auth = request.header("authorization") or ""
        scheme, _, value = auth.partition(" ")
        if scheme.lower() == "bearer" and _same(value.strip(), token):
            return "header"
        if self.logins.valid(request.cookies.get(self.auth_cookie)):
            return "cookie"
        given = request.query.get("token", [None])[-1]
        if _same(given, token):
            cookies.append(_cookie(self.auth_cookie, self.logins.open(), LOGIN_TTL))
            if request.method in ("GET", "HEAD"):
                raise Refused(303, "authenticated; redirecting", (
                    (b"location", _without_token(request).encode()),
                    (b"set-cookie", cookies[-1])))
            return "query"
        raise Refused(401, "this crossroads server needs its token: open the link printed "
                           "by `crossroads serve` (?token=...) or send "
                           "'Authorization: Bearer TOKEN'",
                      ((b"www-authenticate", b'Bearer realm="crossroads"'),))

    async def _read_body(self, request: _Request, receive: Receive) -> bytes:
        limit = self.settings.max_body
        declared = request.header("content-length")
        if declared is not None and (not declared.strip().isdigit() or int(declared) > limit):
            raise Refused(413, f"request body over the {limit:,}-byte limit")
        if declared is None and "transfer-encoding" not in request.headers:
            return b""
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise Refused(400, "client disconnected")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise Refused(413, f"request body over the {limit:,}-byte limit")
            chunks.append(chunk)
            more = bool(message.get("more_body"))
        return b"".join(chunks)

    def _session(self, request: _Request, cookies: list[bytes]) -> str | None:
        """The session id from the cookie; a fresh one (set on the response) if absent."""
        session = request.cookies.get(SESSION_COOKIE, "")
        state = request.scope.setdefault("state", {})
        known = len(session) == 43 and session.replace("-", "").replace("_", "").isalnum()
        if not known:
            fresh = secrets.token_urlsafe(32)
            cookies.append(_cookie(SESSION_COOKIE, fresh))
            state["csrf_token"] = csrf_token_for(self.secret, fresh)
            return None
        state["csrf_token"] = csrf_token_for(self.secret, session)
        return session

    def _check_csrf(self, request: _Request, body: bytes, session: str | None, *,
                    exempt: bool) -> None:
        site = request.header("sec-fetch-site")
        origin = request.header("origin")
        if site == "cross-site" or (origin and origin != "null"
                                    and urlsplit(origin).netloc != request.header("host")):
            raise Refused(403, "cross-site request refused")
        if exempt:
            return
        given = request.header(CSRF_HEADER)
        ctype = (request.header("content-type") or "").split(";")[0].strip().lower()
        if given is None and ctype == "application/x-www-form-urlencoded":
            fields = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
            given = fields.get(CSRF_FIELD, [None])[-1]
        if session is None or not _same(given, csrf_token_for(self.secret, session)):
            raise Refused(403, "missing or stale CSRF token: reload the page and try again")

    async def _refuse(self, request: _Request, send: Send, refusal: Refused,
                      cookies: list[bytes]) -> None:
        wants_json = request.path.startswith("/api/")
        payload = (json.dumps({"error": refusal.message}) if wants_json
                   else refusal.message + "\n").encode()
        ctype = b"application/json" if wants_json else b"text/plain; charset=utf-8"
        headers = [(b"content-type", ctype), (b"content-length", str(len(payload)).encode()),
                   *refusal.headers, *SECURITY_HEADERS, (b"cache-control", b"no-store")]
        if refusal.status == 413:
            headers.append((b"connection", b"close"))
        headers += [(b"set-cookie", c) for c in cookies
                    if (b"set-cookie", c) not in refusal.headers]
        await send({"type": "http.response.start", "status": refusal.status,
                    "headers": headers})
        await send({"type": "http.response.body", "body": payload})


def _without_token(request: _Request) -> str:
    rest = {k: v for k, v in request.query.items() if k != "token"}
    query = urlencode(rest, doseq=True)
    return request.path + (f"?{query}" if query else "")


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands the already-read body to the app, then defers to the client."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


def _with_headers(send: Send, request: _Request, cookies: list[bytes],
                  started: list[bool]) -> Send:
    """Add the security headers and any new cookies to the app's response."""
    static = request.path.startswith("/static/")

    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.append(True)
            headers = list(message.get("headers", []))
            present = {k.lower() for k, _ in headers}
            headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
            if not static and b"cache-control" not in present:
                headers.append((b"cache-control", b"no-store"))
            headers += [(b"set-cookie", c) for c in cookies]
            message = {**message, "headers": headers}
        await send(message)

    return wrapped
