"""Tenants: how much the per-tenant filter costs answering, on one shared index.

Generates N synthetic articles (benchmarks/speed.py's generator) spread over 50 tenants
of 20 feeds each, 20 operator feeds and a share of operator-ingested files, then times
`Summariser.answer` for the same questions as the operator (no filter: today's path)
and as a tenant (its 20 feeds, the operator's feeds and the files), interleaved so that
both see the same caches. Target: the tenant's answer within 1.2x of today's. With
``--shared F``, a share F of the articles is carried by a second tenant feed as well (read
again from it, as a poll of that feed would): a tenant sees an article through any feed.

    python benchmarks/tenants.py [--articles 20000] [--questions 200] [--seed 7] [--shared 0]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from speed import Generator, ms, percentile  # noqa: E402

from bot.answer.summariser import Summariser  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.ingest import Ingestor  # noqa: E402
from storage import Database, TenantScope, add_feed  # noqa: E402

TENANTS = 50
FEEDS_PER_TENANT = 20
OPERATOR_FEEDS = 20
# Of every 10 articles: 8 from tenants' feeds, 1 from operator feeds, 1 from files.
TENANT_SHARE = 8
WARM_UP = 5
TARGET = 1.2


def feed_url(tenant: int, feed: int) -> str:
    return f"https://t{tenant:02d}.example/feed{feed:02d}.rss"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shared", type=float, default=0.0)
    args = parser.parse_args()

    generator = Generator(args.seed)
    corpus = generator.corpus(args.articles)
    questions = generator.questions(corpus, args.questions)
    rng = random.Random(args.seed)
    for i, draft in enumerate(corpus.drafts):
        share = i % 10
        if share < TENANT_SHARE:
            draft.origin = feed_url(rng.randrange(TENANTS), rng.randrange(FEEDS_PER_TENANT))
        elif share == TENANT_SHARE:
            draft.origin = f"https://operator.example/feed{rng.randrange(OPERATOR_FEEDS):02d}.rss"
        else:
            draft.origin = f"file:///archive/batch{i // 1000}.jsonl"

    with tempfile.TemporaryDirectory(prefix="newsbot-tenants-") as tmp:
        url = f"sqlite:///{tmp}/newsbot.db"
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        db = Database.open(url)
        started = time.perf_counter()
        Ingestor(db, settings).store(corpus.drafts)
        again = [
            dataclasses.replace(
                draft, origin=feed_url(rng.randrange(TENANTS), rng.randrange(FEEDS_PER_TENANT))
            )
            for draft in corpus.drafts
            if rng.random() < args.shared
        ]
        Ingestor(db, settings).store(again)
        with db.session() as session:
            for feed in range(OPERATOR_FEEDS):
                add_feed(session, f"https://operator.example/feed{feed:02d}.rss")
            for tenant in range(TENANTS):
                for feed in range(FEEDS_PER_TENANT):
                    add_feed(session, feed_url(tenant, feed), tenant=f"slack:T{tenant:02d}")
        print(
            f"corpus: {len(corpus.drafts)} articles, {TENANTS} tenants x {FEEDS_PER_TENANT} "
            f"feeds + {OPERATOR_FEEDS} operator feeds, {len(again)} carried by a second "
            f"feed (stored in "
            f"{time.perf_counter() - started:.1f} s)"
        )

        summariser = Summariser(db, settings)
        scopes: list[TenantScope | None] = [None, TenantScope("slack:T07")]
        for question in questions[:WARM_UP]:
            for scope in scopes:
                summariser.answer(question, visible_to=scope)
        times: dict[str, list[float]] = {"operator": [], "tenant": []}
        found = {"operator": 0, "tenant": 0}
        for question in questions:
            for name, scope in zip(("operator", "tenant"), scopes, strict=True):
                started = time.perf_counter()
                answer = summariser.answer(question, visible_to=scope)
                times[name].append(time.perf_counter() - started)
                found[name] += answer.found
        for name, values in times.items():
            print(
                f"answer as {name}: median {ms(percentile(values, 0.5))}, "
                f"p95 {ms(percentile(values, 0.95))}, answered {found[name]}/{len(values)}"
            )
        ratio = sum(times["tenant"]) / sum(times["operator"])
        median = percentile(times["tenant"], 0.5) / percentile(times["operator"], 0.5)
        print(f"tenant/operator: total {ratio:.2f}x, median {median:.2f}x (target <= {TARGET}x)")
        db.close()
        return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
