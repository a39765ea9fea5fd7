"""What the day's plan of discovery lists costs, beside one list built alone, in one run.

Usage (against a database with the demo: `parvis demo --no-serve`):
    PARVIS_VAR_DIR=… .venv/bin/python bench/discovery_plan.py [--repeat N]
Prints the CPU time of building the plan of every page that shows a list (what the first page
of the day pays, then cached), of one list built alone, of reading the catalogue, and their ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
django.setup()

from parvis.discovery import selectors  # noqa: E402
from parvis.discovery.feed import day_plan, feed_build  # noqa: E402


def cpu_ms(action, repeat: int) -> float:  # noqa: ANN001 — any callable
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    day = dt.date(2026, 12, 1)
    items, vocab = selectors.catalogue(), selectors.vocabulary()
    abouts = selectors.site_abouts(items, vocab.quartiers)
    home = abouts[0]
    catalogue = cpu_ms(selectors.catalogue, repeat)
    one = cpu_ms(lambda: feed_build(items=items, about=home, vocab=vocab, day=day), repeat)
    plan = cpu_ms(lambda: day_plan(items=items, abouts=abouts, vocab=vocab, day=day), repeat)
    print(f"catalogue {len(items)} items, {len(abouts)} pages with a list, median of {repeat}")
    print(f"{'reading the catalogue':<32}{catalogue:>10.1f} ms CPU")
    print(f"{'one list built alone':<32}{one:>10.1f} ms CPU")
    print(f"{'the day plan (every page)':<32}{plan:>10.1f} ms CPU  ({plan / one:.0f}× one list)")


if __name__ == "__main__":
    main()
