"""Helpers for the browser test and the page benchmark: a Streamlit server on a free port, Chromium, login.

Nothing here imports streamlit. The server runs ``streamlit run <script>`` in its own process group with
``CLINIC_SOURCE`` pointing at a given store and ``CLINIC_AUTH_FILE`` at a throw-away ``auth.yaml`` whose
passwords are known to the test (bcrypt hashes, cost 4 for speed), so no demo password is needed.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]

#: JavaScript predicate: the page is "rendered" (see ``wait_rendered``)
_RENDERED_JS = """(heading) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main) return false;
  if (document.querySelector('[data-testid="stSkeleton"]')) return false;
  if (heading !== null) {
    const hs = [...main.querySelectorAll('h1')].map(h => h.innerText);
    if (!hs.some(t => t.includes(heading))) return false;
  }
  for (const c of main.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('svg.main-svg')) return false;
  }
  return true;
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_auth(path: Path, users: Mapping[str, Mapping[str, Any]]) -> None:
    """Write an auth.yaml for ``users`` (username -> {password, role, name, user_id?}) with bcrypt hashes."""
    import bcrypt
    import yaml

    creds = {}
    for username, u in users.items():
        h = bcrypt.hashpw(str(u["password"]).encode(), bcrypt.gensalt(rounds=4)).decode()
        entry = {"name": u.get("name", username), "email": f"{username}@clinica.example", "password": h,
                 "role": u["role"]}
        if u.get("user_id"):
            entry["user_id"] = u["user_id"]
        creds[username] = entry
    doc = {"cookie": {"name": "clinic_e2e_auth", "expiry_days": 1}, "credentials": {"usernames": creds}}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class StreamlitServer:
    """``streamlit run script`` on a free port; ``start()`` waits for ``/_stcore/health``; ``stop()`` ends it."""

    script: Path
    env: Mapping[str, str] = field(default_factory=dict)
    log_path: Path | None = None
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    healthy_after: float = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> StreamlitServer:
        self.port = self.port or free_port()
        env = {**os.environ, **self.env, "PYTHONUNBUFFERED": "1"}
        cmd = [sys.executable, "-m", "streamlit", "run", str(self.script), "--server.headless", "true",
               "--server.port", str(self.port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        log = open(self.log_path, "wb") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode} (log: {self.log_path})")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.healthy_after = time.perf_counter() - self.started_at
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s (log: {self.log_path})")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)  # its own session: only this server and its children
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=5)

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_chromium(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def wait_rendered(page: Any, heading: str | None = None, timeout: float = 30.0) -> None:
    """Wait until the page is fully rendered.

    Rendered = the app root ``[data-testid=stApp]`` reports ``data-test-script-state="notRunning"`` (the
    script run is over: Streamlit's running indicator is gone) and ``data-test-connection-state="CONNECTED"``,
    the main element ``[data-testid=stMain]`` exists, no skeleton placeholder is left, an ``h1`` containing
    ``heading`` (when given) is in the main element, and every Plotly chart has drawn its SVG.
    """
    page.wait_for_function(_RENDERED_JS, arg=heading, timeout=timeout * 1000, polling=50)


def wait_rerun(page: Any, action: Any, heading: str | None = None, timeout: float = 30.0) -> None:
    """Run ``action()`` (a widget change) and wait for the rerun it triggers to start and finish."""
    page.evaluate("""() => { window.__e2eRuns = 0;
      const app = document.querySelector('[data-testid="stApp"]');
      window.__e2eObs && window.__e2eObs.disconnect();
      window.__e2eObs = new MutationObserver(() => {
        if (app.getAttribute('data-test-script-state') === 'running') window.__e2eRuns += 1; });
      window.__e2eObs.observe(app, {attributes: true, attributeFilter: ['data-test-script-state']}); }""")
    action()
    page.wait_for_function("() => window.__e2eRuns > 0", timeout=timeout * 1000, polling=20)
    wait_rendered(page, heading, timeout)


def login(page: Any, base_url: str, username: str, password: str, timeout: float = 30.0) -> None:
    """Log in through the real form on the login page; returns once the first page after login is rendered."""
    page.goto(base_url + "/", wait_until="domcontentloaded")
    page.get_by_label("Usuário").wait_for(timeout=timeout * 1000)
    wait_rendered(page, None, timeout)
    page.get_by_label("Usuário").fill(username)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()
    page.locator('[data-testid="stSidebarNav"]').wait_for(timeout=timeout * 1000)
    wait_rendered(page, None, timeout)


def screenshot_full(page: Any, path: Path, max_height: int = 12000) -> None:
    """Screenshot of the whole page: Streamlit scrolls inside its own container, so the viewport is
    grown to the main block's height for the shot, then restored."""
    size = page.viewport_size
    height = page.evaluate("""() => { const b = document.querySelector('[data-testid="stMainBlockContainer"]');
        const s = document.querySelector('[data-testid="stSidebarContent"]');
        return Math.ceil(Math.max(b ? b.getBoundingClientRect().bottom + 40 : 0, s ? s.scrollHeight : 0)); }""")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height), max_height))})
    try:
        page.wait_for_timeout(300)  # let charts settle after the resize
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)


def main_text(page: Any) -> str:
    return str(page.locator('[data-testid="stMain"]').inner_text())
