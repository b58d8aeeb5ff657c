import polars as pl
import pytest

from analytics.formatting import fmt_brl, fmt_date, fmt_duration, fmt_pct, fmt_value
from analytics.period import Filters
from analytics.privacy import AccessDenied, Viewer, mask_frame, mask_name, mask_phone, may_open, scope_filters


def test_mask_phone_keeps_first_and_last_four() -> None:
    assert mask_phone("5511987659999") == "5511****9999"
    assert mask_phone("+55 (11) 98765-9999") == "5511****9999"
    assert mask_phone("1234") == "****"
    assert mask_phone(None) is None


def test_mask_name_initials_without_particles() -> None:
    assert mask_name("Maria da Silva Santos") == "M. S. S."
    assert mask_name("joão DOS anjos") == "J. A."
    assert mask_name("Ana") == "A."


def test_mask_frame_masks_and_drops_for_non_admin() -> None:
    f = pl.DataFrame({"name": ["Maria da Silva"], "phone": ["5511987659999"], "content": ["oi"], "n": [1]})
    masked = mask_frame(f, Viewer("g", "manager"))
    assert masked.columns == ["name", "phone", "n"]
    assert masked.row(0) == ("M. S.", "5511****9999", 1)
    assert mask_frame(f, Viewer("a", "admin")).equals(f)


def test_roles_and_secretary_scope() -> None:
    assert may_open("admin", "executivo") and not may_open("manager", "executivo")
    assert may_open("marketing", "marketing") and not may_open("marketing", "operacoes")
    assert may_open("secretary", "secretaria") and not may_open("secretary", "ia")
    f = scope_filters(Viewer("s", "secretary", "u1"), Filters(secretaries=("u2",)))
    assert f.secretaries == ("u1",)
    with pytest.raises(AccessDenied):
        scope_filters(Viewer("s", "secretary"), Filters())
    with pytest.raises(AccessDenied):
        Viewer("x", "root")


def test_pt_br_formats() -> None:
    import datetime as dt

    assert fmt_brl(1234.56) == "R$ 1.234,56"
    assert fmt_brl(0) == "R$ 0,00"
    assert fmt_pct(12.5) == "12,5%"
    assert fmt_pct(None) == "—"
    assert fmt_date(dt.date(2025, 3, 7)) == "07/03/2025"
    assert fmt_duration(200) == "3 min 20 s"
    assert fmt_duration(7500) == "2 h 05 min"
    assert fmt_value(0.25, "ratio") == "25,0%"
    assert fmt_value(1500000, "count") == "1.500.000"
