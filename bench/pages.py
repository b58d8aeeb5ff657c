"""Benchmark: time from navigation to a fully rendered dashboard in a real browser, against Streamlit's floor.

    .venv/bin/python bench/pages.py [--store PATH] [--runs 5]

Store: ``data/bench_large.duckdb`` when it exists, else a ``medium`` store generated (seed 42) into a
temporary directory; the choice is printed. Two servers run in the same process group of this script:
the app (``streamlit run Home.py``, ``CLINIC_SOURCE`` = the store, an admin login from a throw-away
auth.yaml, ``CLINIC_PREFETCH=0`` so that a page's first computation falls inside its cold visit) and the
floor (``streamlit run bench/floor_page.py``: two pages of one ``st.title`` each, plus references with one
and with five small Plotly charts). Chromium (Debian's, through Playwright) drives both.

"Fully rendered": ``[data-testid=stApp]`` has ``data-test-script-state="notRunning"`` and
``data-test-connection-state="CONNECTED"``, the main element holds an ``h1`` with the page's title, no
skeleton placeholder remains and every Plotly chart has drawn its SVG (``tests.e2e_support.wait_rendered``,
polled every 50 ms).

Main table, the issue's definition (navigation = loading the page's URL; the issue's floor figures, about
2.0 s cold and 0.42 s warm, are this measure):
- cold: a new browser profile (empty HTTP cache, the login cookie added) opens the page's URL. For the
  app this is also the server's first rendering of that page (the tables are loaded by the login to
  Início, timed separately); "cold, views cached" repeats it once the server has the page's view.
- warm: the same tab opens the URL again (browser and server caches warm); median of ``--runs``.
Targets: cold within 2× the floor's cold time, warm within 1.5× the floor's warm time.
A second table gives in-session navigation (a click in the sidebar menu, what a user does most), warm.
The app's server share of each visit comes from its ``CLINIC_TIMING`` log (script-run ms per page).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e_support import (  # noqa: E402
    StreamlitServer,
    launch_chromium,
    login,
    wait_rendered,
    write_auth,
)

#: page id -> (menu link text, h1 text)
DASHBOARDS = {
    "executivo": ("Executivo", "Painel Executivo"),
    "operacoes": ("Operações", "Operações"),
    "marketing": ("Marketing", "Marketing"),
    "ia": ("IA", "Desempenho da IA"),
    "secretaria": ("Secretária", "Painel da Secretária"),
}
HOME = ("Início", "Início")


def _store(arg: str | None, tmp: Path) -> tuple[Path, str]:
    if arg:
        return Path(arg), f"given store {arg}"
    large = ROOT / "data" / "bench_large.duckdb"
    if large.exists():
        return large, "large store data/bench_large.duckdb"
    from analytics.generator import generate

    path = tmp / "bench_medium.duckdb"
    t = time.perf_counter()
    generate(str(path), size="medium", truth_path=tmp / "bench_medium.truth.json")
    return path, f"medium store generated in {time.perf_counter() - t:.1f} s (data/bench_large.duckdb absent)"


ERRORS: set[str] = set()  # pages that rendered an error instead of their content (their time is not valid)


def _timed(page: object, go: Any, heading: str, timeout: float) -> float:
    """Seconds from ``go()`` to the rendered page; a page that shows an error box is recorded in ERRORS."""
    t = time.perf_counter()
    go()
    wait_rendered(page, heading, timeout)
    dt = time.perf_counter() - t
    main = page.locator('[data-testid="stMain"]')  # type: ignore[attr-defined]
    if main.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count() or \
            "encountered an error" in main.inner_text():
        ERRORS.add(heading)
    return dt


def _visit(page: object, link: str, heading: str, timeout: float = 600.0) -> float:
    """Seconds from the click on the sidebar link to the rendered page."""
    nav = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).first  # type: ignore[attr-defined]
    return _timed(page, nav.click, heading, timeout)


def _exact_link(page: object, text: str) -> object:
    """The menu link whose visible label is exactly ``text`` (``Piso`` vs ``Piso 2``)."""
    links = page.locator('[data-testid="stSidebarNav"] a')  # type: ignore[attr-defined]
    for i in range(links.count()):
        if links.nth(i).inner_text().strip().splitlines()[-1].strip() == text:
            return links.nth(i)
    raise LookupError(text)


def _visit_floor(page: object, text: str, timeout: float = 60.0) -> float:
    link = _exact_link(page, text)
    t = time.perf_counter()
    link.click()  # type: ignore[attr-defined]
    page.wait_for_function(  # type: ignore[attr-defined]
        """(t) => { const a = document.querySelector('[data-testid="stApp"]');
          if (!a || a.getAttribute('data-test-script-state') !== 'notRunning') return false;
          return [...document.querySelectorAll('[data-testid=stMain] h1')].some(h => h.innerText.trim() === t); }""",
        arg=text, timeout=timeout * 1000, polling=50)
    return time.perf_counter() - t


def _server_runs(log: Path) -> dict[str, list[float]]:
    """Script-run durations (s) per page from the app's ``CLINIC_TIMING`` log lines, in order."""
    runs: dict[str, list[float]] = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == "CLINIC_TIMING" and parts[3] == "ms":
            runs.setdefault(parts[1], []).append(float(parts[2]) / 1000)
    return runs


VIEWPORT = {"width": 1440, "height": 1000}
#: floor app pages: row name -> (url path, h1)
FLOOR = {
    "floor (one-line page)": ("piso2", "Piso 2"),
    "reference: one small Plotly chart": ("pisografico", "Piso gráfico"),
    "reference: five small Plotly charts": ("piso5graficos", "Piso 5 gráficos"),
}


def _open(tab: object, url: str, heading: str, timeout: float = 600.0) -> float:
    """Seconds from navigating ``tab`` to ``url`` to the fully rendered page."""
    return _timed(tab, lambda: tab.goto(url, wait_until="commit"), heading, timeout)  # type: ignore[attr-defined]


def _cold(browser: object, cookies: list[Any], url: str, heading: str) -> float:
    """``_open`` in a new browser profile: empty HTTP cache, a new renderer, only the given cookies."""
    context = browser.new_context(viewport=VIEWPORT)  # type: ignore[attr-defined]
    try:
        if cookies:
            context.add_cookies(cookies)
        return _open(context.new_page(), url, heading)
    finally:
        context.close()


def _warm(tab: object, url: str, heading: str, runs: int) -> float:
    """Median of ``runs`` navigations of the same tab to ``url``, after one that warms every cache."""
    _open(tab, url, heading)
    return statistics.median(_open(tab, url, heading) for _ in range(runs))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", help="a .duckdb store (default: data/bench_large.duckdb, else a generated medium)")
    ap.add_argument("--runs", type=int, default=3, help="samples per median")
    args = ap.parse_args()
    runs = max(args.runs, 1)

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench_pages_") as tmpdir:
        tmp = Path(tmpdir)
        store, how = _store(args.store, tmp)
        print(f"store: {how}")
        auth = tmp / "auth.yaml"
        write_auth(auth, {"admin": {"password": "bench", "role": "admin"}})
        app = StreamlitServer(ROOT / "Home.py", env={"CLINIC_SOURCE": str(store), "CLINIC_AUTH_FILE": str(auth),
                                                      "CLINIC_TIMING": "1", "CLINIC_PREFETCH": "0"},
                              log_path=tmp / "app.log")
        floor = StreamlitServer(ROOT / "bench" / "floor_page.py", log_path=tmp / "floor.log")
        nav: dict[str, tuple[float, float | None, float]] = {}  # row -> (cold, cold with views cached, warm)
        click: dict[str, float] = {}  # row -> warm in-session click
        try:
            app.start()
            floor.start()
            print(f"servers healthy: app {app.healthy_after:.2f} s, floor {floor.healthy_after:.2f} s")
            with sync_playwright() as p:
                browser = launch_chromium(p)
                tab = browser.new_context(viewport=VIEWPORT).new_page()
                for name, (path, h1) in FLOOR.items():
                    url = f"{floor.url}/{path}"
                    cold = statistics.median(_cold(browser, [], url, h1) for _ in range(runs))
                    nav[name] = (cold, None, _warm(tab, url, h1, runs))
                # in-session: a click in the floor's menu from its first page to its second
                _open(tab, f"{floor.url}/", "Piso")
                _visit_floor(tab, "Piso 2")
                f_click = []
                for _ in range(runs):
                    _visit_floor(tab, "Piso")
                    f_click.append(_visit_floor(tab, "Piso 2"))
                click["floor (one-line page)"] = statistics.median(f_click)

                # the app: login (loads the tables) ...
                context = browser.new_context(viewport=VIEWPORT)
                page = context.new_page()
                t = time.perf_counter()
                login(page, app.url, "admin", "bench", timeout=900)
                wait_rendered(page, HOME[1], 900)
                login_s = time.perf_counter() - t
                cookies = context.cookies()
                # ... each dashboard's first visit: new browser profile, first computation on the server
                first = {pid: _cold(browser, cookies, f"{app.url}/{pid}", h1) for pid, (_, h1) in DASHBOARDS.items()}
                for pid, (_, h1) in DASHBOARDS.items():
                    url = f"{app.url}/{pid}"
                    cached = statistics.median(_cold(browser, cookies, url, h1) for _ in range(runs))
                    nav[pid] = (first[pid], cached, _warm(page, url, h1, runs))
                for pid, (link, h1) in DASHBOARDS.items():
                    samples = []
                    for _ in range(runs):
                        _visit(page, *HOME)
                        samples.append(_visit(page, link, h1))
                    click[pid] = statistics.median(samples)
                browser.close()
        finally:
            app.stop()
            floor.stop()
        server = _server_runs(tmp / "app.log")

    fc, _, fw = nav["floor (one-line page)"]
    print(f"\napp login → Início rendered (loads the tables): {login_s:.2f} s\n")
    print("| page | cold (s) | / floor | cold, views cached (s) | / floor | warm (s) | / floor "
          "| targets (cold ≤ 2×, warm ≤ 1.5×) | server run first / warm (s) |")
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|")
    for name, (c, cc, w) in nav.items():
        ok = "—" if name not in DASHBOARDS else \
            ("ok" if c <= 2 * fc else "cold ✗") + " / " + ("ok" if w <= 1.5 * fw else "warm ✗")
        if name in DASHBOARDS and DASHBOARDS[name][1] in ERRORS:
            ok = "INVALID: the page showed an error"
        srv = server.get(name, [])
        srv_s = f"{srv[0]:.3f} / {statistics.median(srv[1:]):.3f}" if len(srv) > 1 else "—"
        cc_s = "—" if cc is None else f"{cc:.3f} | {cc / fc:.1f}×"
        if cc is None:
            cc_s += " | —"
        print(f"| {name} | {c:.3f} | {c / fc:.1f}× | {cc_s} | {w:.3f} | {w / fw:.1f}× | {ok} | {srv_s} |")
    fk = click["floor (one-line page)"]
    print("\nIn-session navigation (a click in the sidebar menu from Início), warm, median:\n")
    print("| page | click → rendered (s) | / floor |\n|---|---:|---:|")
    for name, secs in click.items():
        print(f"| {name} | {secs:.3f} | {secs / fk:.1f}× |")


if __name__ == "__main__":
    main()
