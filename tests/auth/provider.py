"""A stand-in external identity provider: its keys, the tokens it signs, and its JWKS
document served on 127.0.0.1 (a threaded http.server), counting every fetch."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://id.example.com/"
AUDIENCE = "mwallet-clients"


@dataclass(frozen=True)
class Key:
    kid: str
    private: Any
    algorithm: str

    @classmethod
    def rsa(cls, kid: str) -> Key:
        return cls(kid, rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256")

    @classmethod
    def ec(cls, kid: str) -> Key:
        return cls(kid, ec.generate_private_key(ec.SECP256R1()), "ES256")

    def jwk(self) -> dict[str, Any]:
        kind = RSAAlgorithm if self.algorithm == "RS256" else ECAlgorithm
        public: dict[str, Any] = kind.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig", "alg": self.algorithm}

    def sign(self, claims: dict[str, Any], **header: Any) -> str:
        """`claims` signed with this key; a header value of None leaves it out."""
        given = {"kid": self.kid, **header}
        headers = {name: value for name, value in given.items() if value is not None}
        return jwt.encode(claims, self.private, algorithm=self.algorithm, headers=headers)


def claims(email: str, /, **changes: Any) -> dict[str, Any]:
    """What the provider says of a person who signed in with it just now."""
    now = int(time.time())
    return {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": f"provider|{email}",
        "iat": now,
        "exp": now + 300,
        "email": email,
        "email_verified": True,
        **changes,
    }


@dataclass
class Provider:
    url: str
    published: list[Key] = field(default_factory=list)
    fetches: int = 0

    def document(self) -> bytes:
        self.fetches += 1
        return json.dumps({"keys": [key.jwk() for key in self.published]}).encode()


@contextmanager
def serving_provider(*published: Key) -> Iterator[Provider]:
    provider = Provider(url="", published=list(published))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = provider.document()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider.url = f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
