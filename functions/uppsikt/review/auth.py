"""ID tokens from the organisation's Cognito user pool, verified against the pool's JWKS.

The keys come from the pool's `/.well-known/jwks.json` (PyJWT's `PyJWKClient`, cached, refetched
when a token names a key it has not seen), so the local run and the tests verify the same way
as a deployment, against the keys moto's Cognito signs with. Checked: signature (RS256 only),
expiry, issuer (the pool), audience (the app client) and `token_use = id`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import jwt

from uppsikt.review.errors import NotAuthenticated
from uppsikt.review.model import Principal

_LEEWAY_SECONDS = 30
_JWKS_CACHE_SECONDS = 3600


def issuer(region: str, user_pool_id: str) -> str:
    return f"https://cognito-idp.{region}.amazonaws.com/{user_pool_id}"


@dataclass
class TokenVerifier:
    jwks_url: str
    issuer: str
    audience: str
    _client: Any = field(default=None, init=False, repr=False)

    def _keys(self) -> jwt.PyJWKClient:
        if self._client is None:
            self._client = jwt.PyJWKClient(
                self.jwks_url, cache_keys=True, lifespan=_JWKS_CACHE_SECONDS, timeout=5
            )
        return self._client  # type: ignore[no-any-return]

    def verify(self, authorization: str | None) -> Principal:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("an Authorization: Bearer <id token> header is required")
        try:
            key = self._keys().get_signing_key_from_jwt(token.strip())
            claims = jwt.decode(
                token.strip(),
                key.key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=_LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWKClientConnectionError as exc:
            raise NotAuthenticated("the user pool's keys could not be fetched") from exc
        except jwt.PyJWTError as exc:
            raise NotAuthenticated(f"the token is not valid ({type(exc).__name__})") from exc
        if claims.get("token_use") != "id":
            raise NotAuthenticated("an ID token is required")
        groups = claims.get("cognito:groups") or []
        return Principal.from_groups(
            str(claims["sub"]),
            str(claims.get("cognito:username") or claims["sub"]),
            [str(g) for g in groups],
        )
