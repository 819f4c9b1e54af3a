"""Who is asking, and may they: kube-apiserver's static token file and an authorizer hook."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class User:
    name: str
    uid: str = ""
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class RequestAttributes:
    """What is being done, in the terms of Kubernetes authorization (SubjectAccessReview)."""

    verb: str
    namespace: str
    resource: str
    subresource: str
    name: str
    group: str = ""
    path: str = ""  # set, with the rest empty, for a non-resource request (/openid/v1/jwks)


Authenticator = Callable[[str], User | None]
"""A bearer token in, the user it belongs to out (None: not a valid token)."""

Authorizer = Callable[[User, RequestAttributes], bool]
"""May this user do this? False answers 403 Forbidden."""


def allow_all(user: User, attributes: RequestAttributes) -> bool:
    return True


class TokenFileAuthenticator:
    """kube-apiserver's `--token-auth-file`: CSV rows `token,user,uid,"group1,group2"`."""

    def __init__(self, users: dict[str, User]) -> None:
        self._users = users

    @classmethod
    def from_csv(cls, path: Path) -> TokenFileAuthenticator:
        users: dict[str, User] = {}
        with path.open(newline="", encoding="utf-8") as rows:
            for row in csv.reader(rows):
                if len(row) < 3 or not row[0].strip() or row[0].startswith("#"):
                    continue
                groups = (
                    tuple(g.strip() for g in row[3].split(",") if g.strip()) if len(row) > 3 else ()
                )
                users[row[0].strip()] = User(name=row[1].strip(), uid=row[2].strip(), groups=groups)
        return cls(users)

    def __call__(self, token: str) -> User | None:
        return self._users.get(token)
