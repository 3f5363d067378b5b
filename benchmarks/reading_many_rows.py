#!/usr/bin/env python
"""How long, and how much memory, reading an .xlsx of 60,000 one-cell rows takes before it is
refused for having more rows than an import may (imports/reading.py, MAX_SHEET_ROWS).

    .venv/bin/python benchmarks/reading_many_rows.py [--rows 60000]

Prints the file's size, the CPU time and the peak of memory Python allocated (tracemalloc) while
reading it. No database is needed.
"""

import argparse
import io
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safer_lewisham.settings")


def workbook_of(rows: int) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("Actions")
    for number in range(rows):
        worksheet.append([f"Row {number}"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    options = parser.parse_args()

    import django

    django.setup()
    from imports.reading import UnreadableFile, read_file

    content = workbook_of(options.rows)
    tracemalloc.start()
    started = time.process_time()
    try:
        read_file("many-rows.xlsx", content)
        outcome = "read"
    except UnreadableFile as refusal:
        outcome = f"refused: {refusal}"
    cpu = time.process_time() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{options.rows:,} one-cell rows, {len(content) / 1024:.0f} KB")
    print(f"CPU {cpu:.2f} s, peak memory {peak / (1024 * 1024):.0f} MB")
    print(outcome)


if __name__ == "__main__":
    main()
