"""Who is calling: API keys with roles, console sessions, CSRF tokens.

* API: ``Authorization: Bearer <key>`` (or ``X-API-Key``). Roles: ``merchant``
  (its own listings only), ``moderator`` (queue, verdicts), ``admin`` (keys,
  policy, metrics, and everything a moderator may do).
* Console: a moderator logs in with its key once; the browser then holds a
  signed, HttpOnly, SameSite=Lax session cookie. Every console form carries a
  CSRF token derived from the session (and the login form a double-submit
  cookie), checked on every POST.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
import time
from dataclasses import dataclass

from shelfcheck.service import crud
from shelfcheck.service.db import Database

SESSION_COOKIE = "shelfcheck_session"
LOGIN_CSRF_COOKIE = "shelfcheck_login_csrf"
STAFF = ("moderator", "admin")


@dataclass(frozen=True)
class Principal:
    key_id: int
    name: str
    role: str
    merchant_id: str | None

    @property
    def scope(self) -> str | None:
        """The merchant whose data this caller may see; ``None`` for staff (all)."""
        return self.merchant_id if self.role == "merchant" else None

    @property
    def label(self) -> str:
        return f"{self.role}:{self.name}"


class KeyCache:
    """Key lookups kept a few seconds (a revoked key stops working within ``ttl_s``)."""

    def __init__(self, db: Database, *, ttl_s: float = 5.0) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self._lock = threading.Lock()
        self._by_hash: dict[str, tuple[float, Principal | None]] = {}

    def cached(self, key: str) -> Principal | None:
        """The key's principal if a fresh lookup is kept (no database: the event loop's path)."""
        hit = self._by_hash.get(crud.hash_key(key))
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def lookup(self, key: str) -> Principal | None:
        digest = crud.hash_key(key)
        now = time.monotonic()
        with self._lock:
            hit = self._by_hash.get(digest)
        if hit is not None and hit[0] > now:
            return hit[1]
        with self.db.read() as session:
            row = crud.find_api_key(session, key=key)
            principal = (
                Principal(key_id=row.id, name=row.name, role=row.role, merchant_id=row.merchant_id)
                if row is not None
                else None
            )
        with self._lock:
            if len(self._by_hash) > 50_000:
                self._by_hash.clear()
            self._by_hash[digest] = (now + self.ttl_s, principal)
        return principal

    def by_id(self, key_id: int) -> Principal | None:
        with self.db.read() as session:
            row = crud.get_api_key(session, key_id=key_id)
            if row is None:
                return None
            return Principal(
                key_id=row.id, name=row.name, role=row.role, merchant_id=row.merchant_id
            )

    def clear(self) -> None:
        with self._lock:
            self._by_hash.clear()


class Signer:
    """HMAC-SHA256 signed, expiring values (console sessions, CSRF tokens)."""

    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(secret.encode()).digest()

    def _mac(self, data: bytes) -> str:
        return hmac.new(self._key, data, hashlib.sha256).hexdigest()

    def dumps(self, value: dict[str, object]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(value, separators=(",", ":")).encode())
        return f"{body.decode()}.{self._mac(body)}"

    def loads(self, token: str | None) -> dict[str, object] | None:
        if not token or "." not in token:
            return None
        body, _, mac = token.rpartition(".")
        if not hmac.compare_digest(mac, self._mac(body.encode())):
            return None
        try:
            value = json.loads(base64.urlsafe_b64decode(body.encode()))
        except ValueError:
            return None
        if not isinstance(value, dict) or float(value.get("exp", 0)) < time.time():
            return None
        return value

    def new_session(self, principal: Principal, *, ttl_s: int) -> str:
        return self.dumps(
            {
                "kid": principal.key_id,
                "nonce": secrets.token_hex(16),
                "exp": int(time.time()) + ttl_s,
            }
        )

    def csrf_for(self, session: dict[str, object]) -> str:
        return self._mac(f"csrf:{session.get('nonce')}".encode())

    def check_csrf(self, session: dict[str, object], token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(self.csrf_for(session), str(token))
