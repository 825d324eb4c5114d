"""Summarise a py-spy raw profile (`py-spy record --format raw`) by package.

Prints, per package, the share of samples whose innermost frame is in it (self time)
and the share of samples that pass through it at all (inclusive time).

Run: uv run python bench/profile_summary.py PROFILE.txt
"""

from __future__ import annotations

import re
import sys
from collections import Counter

PACKAGES = (
    "sqlalchemy",
    "psycopg",
    "strawberry",
    "graphql",
    "starlette",
    "uvicorn",
    "httptools",
    "h11",
    "websockets",
    "redis",
    "broadcaster",
    "asyncio",
    "json",
    "argon2",
)
OURS = ("persistence", "resolvers", "schema", "portal", "domain", "subscriptions")


def package(frame: str) -> str:
    found = re.search(r"\(([^)]*)\)", frame)
    path = found.group(1) if found else frame
    for name in PACKAGES:
        if f"/{name}/" in path or f"{name}/" in path.split(":")[0][:40]:
            return name
    for name in OURS:
        if f"/{name}/" in path or path.startswith(f"{name}/"):
            return f"ours:{name}"
    return "other"


def main(path: str) -> None:
    own: Counter[str] = Counter()
    through: Counter[str] = Counter()
    total = 0
    with open(path) as lines:
        text = lines.read().splitlines()
    for line in text:
        stack, _, count_text = line.rstrip().rpartition(" ")
        if not stack:
            continue
        count = int(count_text)
        frames = stack.split(";")
        total += count
        own[package(frames[-1])] += count
        for name in {package(f) for f in frames}:
            through[name] += count
    print(f"{total} samples")
    print(f"{'package':24} {'self':>7} {'inclusive':>10}")
    for name, _ in through.most_common():
        print(f"{name:24} {own[name] / total:7.1%} {through[name] / total:10.1%}")


if __name__ == "__main__":
    main(sys.argv[1])
