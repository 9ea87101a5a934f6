"""The benchmark runs end to end at a small scale, so it cannot rot.

It runs as people run it, ``manage.py bench`` in its own process, against the database
the suite is configured with (its own ``_bench`` copy of it; SQLite in a temp folder).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_bench(tmp_path, scale):
    out = tmp_path / f"bench-{scale}.json"
    env = {
        **os.environ,
        "PORTAL_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", f"--scale={scale}", "--repeat=3", f"--json={out}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "proposal queue" in result.stdout
    return json.loads(out.read_text())


def test_the_benchmark_builds_a_trust_and_times_every_page(tmp_path):
    small = run_bench(tmp_path, 0.002)
    larger = run_bench(tmp_path, 0.01)
    assert small["floor"]["median_ms"] > 0
    assert larger["rows"]["notifications"] == 2000
    assert larger["rows"]["account proposals"] == 200
    assert set(larger["pages"]) == set(small["pages"])
    for name, page in larger["pages"].items():
        assert page["median_ms"] > 0, name
        # The query count of a page does not grow with the data.
        assert page["queries"] <= small["pages"][name]["queries"], name
        if "admin_url" in page:
            # Compared with Django's changelist as it ships, the portal's own beside it.
            assert page["admin_url"].startswith("/reference-admin/"), name
            assert page["admin_speedup"] > 0, name
            assert page["admin_floor_speedup"] > 0, name
            assert page["own_admin_url"].startswith("/admin/"), name
            assert page["own_admin_median_ms"] > 0, name
    # A home page after a change draws again only the panels that read what changed:
    # more than a return visit with everything kept, fewer than with nothing kept.
    pages = larger["pages"]
    for person, change in [
        ("comms", "an entry changed"),
        ("comms", "a proposal changed"),
        ("manager", "a proposal changed"),
    ]:
        queries = pages[f"home ({person}), after {change}"]["queries"]
        assert pages[f"home ({person})"]["queries"] < queries, (person, change)
        assert queries < pages[f"home ({person}), every panel drawn"]["queries"], (person, change)
