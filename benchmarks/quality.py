"""Answer quality on NorQuAD news (see ../shared/data/README.md for the metric).

Indexes the 182 articles (and the seed article), asks every question with no hint of
its document, and prints doc@1, answer hit, answer lengths, refusals of questions
about things no article mentions, and the seed check ("who backs Haftar?").

    python benchmarks/quality.py [--data ../shared/data] [--show-misses N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.answer.summariser import Summariser  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.ingest import Ingestor  # noqa: E402
from storage import Database  # noqa: E402

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# Questions about things none of the articles mention (written for this benchmark).
ABSENT = [
    "Who won the Super Bowl in 2019?",
    "Hva sa Zelensky om fredsavtalen?",
    "Hvem vant Eurovision i Liverpool?",
    "What did the Federal Reserve decide about interest rates?",
    "Hvor mange kameler bor i Sahara?",
    "Why did the Titanic sink?",
    "Når åpner den nye t-banen i Bergen?",
    "Who is the CEO of Nvidia?",
    "Hva koster en liter bensin i Tromsø i dag?",
    "How many moons does Jupiter have?",
]
_FOLD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    return " " + " ".join(_FOLD.sub(" ", text.lower()).split()) + " "


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--show-misses", type=int, default=0)
    args = parser.parse_args()
    norquad = args.data / "norquad-news"
    if not (norquad / "articles.jsonl").exists():
        print(f"skipped: {norquad} not found (the shared data set is not in this checkout)")
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, database_url=f"sqlite:///{tmp}/quality.db")  # type: ignore[call-arg]
        db = Database.open(settings.database_url)
        seed = sorted((args.data / "seed").glob("*.txt"))
        report = Ingestor(db, settings).ingest([str(norquad / "articles.jsonl"), *map(str, seed)])
        print(f"indexed: {report.summary()}")
        summariser = Summariser(db, settings)
        questions = [
            json.loads(line) for line in (norquad / "questions.jsonl").open(encoding="utf-8")
        ]

        doc_hits = answer_hits = refused = too_long = 0
        misses: list[str] = []
        timings: list[float] = []
        for item in questions:
            started = time.perf_counter()
            answer = summariser.answer(item["question"])
            timings.append(time.perf_counter() - started)
            first = answer.citations[0].url if answer.citations else None
            doc_hits += first == item["document"]
            long = len(answer.text) > 500
            too_long += long
            refused += not answer.found
            hit = answer.found and not long and fold(item["answer"]) in fold(answer.text)
            answer_hits += hit
            if not hit:
                misses.append(
                    f"- {item['question']} | gold: {item['answer']}"
                    f" | doc ok: {first == item['document']}"
                    f"\n  {answer.text[:300]}"
                )
        n = len(questions)
        timings.sort()
        print(f"questions: {n}")
        print(f"doc@1: {doc_hits / n:.3f}   (baseline 0.908, target 0.93)")
        print(f"answer hit: {answer_hits / n:.3f}   (baseline 0.786, target 0.85)")
        print(f"answers over 500 characters: {too_long}")
        print(f"answerable questions refused: {refused}")
        print(
            f"ask p50 {timings[n // 2] * 1000:.1f} ms, p95 {timings[int(n * 0.95)] * 1000:.1f} ms"
        )

        absent = [summariser.answer(q) for q in ABSENT]
        print(
            f"absent-topic questions refused: {sum(not a.found for a in absent)} of {len(ABSENT)}"
        )
        for q, a in zip(ABSENT, absent, strict=True):
            if a.found:
                print(f"  answered (should refuse): {q} -> {a.text[:120]}")

        if seed:
            haftar = summariser.answer("who backs Haftar?")
            first = haftar.citations[0] if haftar.citations else None
            ok = (
                first is not None
                and first.url == seed[0].resolve().as_uri()
                and first.published == "2020-01"
                and "Russland som uoffisielt står på Haftars side" in haftar.text
            )
            print(
                "seed check (who backs Haftar? -> Russland sentence, seed first, 2020-01): "
                + ("ok" if ok else "FAILED")
            )
        for miss in misses[: args.show_misses]:
            print(miss)
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
