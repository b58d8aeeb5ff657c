"""Plotly figures to PNG through kaleido 1.x (which drives a Chromium), bounded in time, never raising.

One kaleido session (one headless browser) is started on first use and reused by later calls and reports, on a
background thread with its own asyncio loop; every wait is bounded (browser start, each image). When no browser is
found, image export is disabled (``CLINIC_DISABLE_CHART_IMAGES=1``), or a render fails or times out, the result
carries a pt-BR reason instead of the PNG, and the PDF prints that reason in place of the chart.

Browser lookup: ``BROWSER_PATH``, then ``chromium``, ``chromium-browser``, ``google-chrome`` on PATH. MathJax is
disabled (kaleido would otherwise fetch it from a CDN) and plotly.js comes from the installed plotly package, so
nothing is downloaded.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import shutil
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

DISABLE_ENV = "CLINIC_DISABLE_CHART_IMAGES"
START_TIMEOUT_S = 30.0  # browser start
IMAGE_TIMEOUT_S = 20.0  # each image
WIDTH_PX, HEIGHT_PX, SCALE = 800, 400, 2.0  # 180 mm wide in the PDF: ~225 dpi

NO_BROWSER = "navegador para exportar imagens não encontrado"
DISABLED = "exportação de imagens desativada nesta instalação"
TIMED_OUT = "tempo esgotado ao exportar a imagem"
FAILED = "falha ao exportar a imagem"


@dataclass(frozen=True)
class Rendered:
    """A PNG, or the pt-BR reason why there is none; ``seconds`` is the wall time spent on it."""

    png: bytes | None
    reason: str | None = None
    seconds: float = 0.0


def find_browser() -> str | None:
    """Path of a Chromium-like browser, or None."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env if os.path.isfile(env) and os.access(env, os.X_OK) else None
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _ptbr(figure: Any) -> Any:
    """A copy using pt-BR number separators (1.234,5) unless the figure sets its own."""
    try:
        import plotly.graph_objects as go

        fig = go.Figure(figure)
        if fig.layout.separators is None:
            fig.update_layout(separators=",.")
        return fig
    except Exception:  # not a plotly figure: let kaleido judge it
        return figure


class _Session:
    """A kaleido instance living on a private event loop thread."""

    def __init__(self, browser: str) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="kaleido-loop", daemon=True)
        self.thread.start()
        self.browser = browser
        self.kaleido: Any = None

    def run(self, coro: Any, timeout: float) -> Any:
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            return fut.result(timeout=timeout)
        except FutureTimeout:
            fut.cancel()
            raise

    async def _open(self) -> None:
        import kaleido

        k = kaleido.Kaleido(path=self.browser, timeout=IMAGE_TIMEOUT_S, mathjax=False)
        await k.open()
        self.kaleido = k

    def open(self) -> None:
        self.run(self._open(), START_TIMEOUT_S)

    def png(self, figure: Any) -> bytes:
        figure = _ptbr(figure)
        opts = {"format": "png", "width": WIDTH_PX, "height": HEIGHT_PX, "scale": SCALE}
        return self.run(self.kaleido.calc_fig(figure, opts=opts), IMAGE_TIMEOUT_S)

    def close(self) -> None:
        try:
            if self.kaleido is not None:
                self.run(self.kaleido.close(), 5.0)
        except Exception:  # closing is best effort: the process may already be gone
            log.warning("kaleido session did not close cleanly")
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)


_lock = threading.Lock()
_session: _Session | None = None


def _get_session(browser: str) -> _Session:
    global _session
    if _session is None or _session.browser != browser:
        if _session is not None:
            _session.close()
        s = _Session(browser)
        try:
            s.open()
        except BaseException:
            s.close()
            raise
        _session = s
    return _session


def shutdown() -> None:
    """Close the shared browser session (also done at interpreter exit)."""
    global _session
    with _lock:
        if _session is not None:
            _session.close()
            _session = None


atexit.register(shutdown)


def render_pngs(figures: list[Any]) -> list[Rendered]:
    """Each figure as PNG bytes (same order), or the reason it could not be exported. Never raises.

    After a timeout the session is discarded and the remaining figures are not attempted (a hung browser would
    only make the user wait longer); the next call starts a fresh browser.
    """
    global _session
    if not figures:
        return []
    if os.environ.get(DISABLE_ENV, "").strip() not in ("", "0"):
        return [Rendered(None, DISABLED) for _ in figures]
    browser = find_browser()
    if browser is None:
        return [Rendered(None, NO_BROWSER) for _ in figures]
    out: list[Rendered] = []
    with _lock:
        t0 = time.perf_counter()
        try:
            session = _get_session(browser)
        except FutureTimeout:
            log.warning("kaleido: browser start timed out after %.0f s", START_TIMEOUT_S)
            return [Rendered(None, TIMED_OUT) for _ in figures]
        except Exception as exc:  # no usable browser: bad path, crash at start, ...
            log.warning("kaleido: browser start failed: %s", type(exc).__name__)
            reason = NO_BROWSER if "ChromeNotFound" in type(exc).__name__ else FAILED
            return [Rendered(None, reason) for _ in figures]
        start_s = time.perf_counter() - t0
        for i, fig in enumerate(figures):
            t = time.perf_counter()
            try:
                png = session.png(fig)
                out.append(Rendered(png, None, time.perf_counter() - t + (start_s if i == 0 else 0.0)))
            except FutureTimeout:
                log.warning("kaleido: image timed out after %.0f s; discarding the session", IMAGE_TIMEOUT_S)
                session.close()
                _session = None
                out.extend(Rendered(None, TIMED_OUT) for _ in figures[i:])
                break
            except Exception as exc:  # a bad figure must not sink the whole report
                log.warning("kaleido: image failed: %s", type(exc).__name__)
                out.append(Rendered(None, FAILED, time.perf_counter() - t))
    return out
