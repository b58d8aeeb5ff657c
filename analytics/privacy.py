"""Roles, page access, masking (LGPD). The single place that knows who may see what.

Roles and pages follow shared/spec/personas-and-access.md. Access is enforced where
data is fetched (``scope_filters`` / ``require_page``), not only by hiding pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import polars as pl

from analytics.errors import AnalyticsError
from analytics.period import Filters

ROLES = ("admin", "manager", "secretary", "marketing")

#: page id -> roles that may open it
PAGE_ACCESS: dict[str, frozenset[str]] = {
    "executivo": frozenset({"admin"}),
    "operacoes": frozenset({"admin", "manager"}),
    "marketing": frozenset({"admin", "marketing"}),
    "ia": frozenset({"admin", "manager"}),
    "secretaria": frozenset({"admin", "manager", "secretary"}),
    "previsoes": frozenset({"admin", "manager"}),
}

_PARTICLES = {"da", "de", "do", "dos", "das", "e", "d'"}


class AccessDenied(AnalyticsError):
    """The user's role may not see this page or these data."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: login name, role, and (for secretaries) their ``users.id``."""

    username: str
    role: str
    user_id: str | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise AccessDenied(f"unknown role {self.role!r}")

    @property
    def unmasked(self) -> bool:
        return self.role == "admin"


def may_open(role: str, page: str) -> bool:
    return role in PAGE_ACCESS.get(page, frozenset())


def require_page(viewer: Viewer, page: str) -> None:
    if not may_open(viewer.role, page):
        raise AccessDenied(f"o perfil {viewer.role!r} não tem acesso a esta página")


def scope_filters(viewer: Viewer, filters: Filters) -> Filters:
    """Filters with the viewer's restrictions applied: a secretary only sees their own user id."""
    if viewer.role == "secretary":
        if not viewer.user_id:
            raise AccessDenied("usuário de secretária sem user_id configurado")
        return replace(filters, secretaries=(viewer.user_id,))
    return filters


def mask_phone(phone: str | None) -> str | None:
    """Keep the first 4 and last 4 digits: 5511987659999 -> 5511****9999."""
    if phone is None:
        return None
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 8:
        return "****"
    return f"{digits[:4]}****{digits[-4:]}"


def mask_name(name: str | None) -> str | None:
    """Initials only, particles dropped: 'Maria da Silva Santos' -> 'M. S. S.'."""
    if name is None:
        return None
    parts = [p for p in name.split() if p.lower() not in _PARTICLES]
    return " ".join(f"{p[0].upper()}." for p in parts if p)


#: columns that hold lead personal data, and how non-admins see them
_MASKS = {"phone": mask_phone, "name": mask_name, "lead_name": mask_name, "lead_phone": mask_phone}
_NEVER = {"content", "comment"}


def mask_frame(frame: pl.DataFrame, viewer: Viewer) -> pl.DataFrame:
    """What ``viewer`` may see of ``frame``: admins see everything; others get masked
    phones and names, and never message text or feedback comments."""
    if viewer.unmasked:
        return frame
    out = frame.drop([c for c in frame.columns if c in _NEVER])
    exprs = [
        pl.col(c).map_elements(fn, return_dtype=pl.String) for c, fn in _MASKS.items() if c in out.columns
    ]
    return out.with_columns(exprs) if exprs else out
