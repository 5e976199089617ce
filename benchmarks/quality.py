"""Answer quality on NorQuAD news (see ../shared/data/README.md for the metric).

Indexes the 182 articles (and the seed article), asks every question with no hint of
its document, in Norwegian and in English (benchmarks/data/questions_en.jsonl, hand
translations with the Norwegian gold answers), and prints doc@1 and answer hit side
by side for the tuning half and the checking half of the documents (a fixed split:
weights are tuned on the first half only, the second says what generalises), then
absent-topic refusals in each language and the seed check ("who backs Haftar?").

    python benchmarks/quality.py [--data ../shared/data] [--db sqlite|postgresql]
                                 [--show-misses N]
                                 [--misses-from tuning|checking|own|nynorsk tuning]

Norwegian questions over English articles are asked too: 44 of the NorQuAD articles,
translated here by hand (benchmarks/data/articles_en.jsonl), stand in for their originals
in a second index, and their 61 questions are asked in Norwegian, the gold answers
carried into the translations (questions_no_en.jsonl).

A third row, "own questions", asks benchmarks/data/own_questions.jsonl: questions
written here (Norwegian and English) about the tuning half's documents only, so they
add to what is tuned on and leave the checking half unseen. A fourth,
benchmarks/data/own_checking.jsonl, asks 201 more about the checking half's documents:
a larger sample of the unseen half, written later by someone who had not seen the bot's
answers, and only measured.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


from fresh_db import fresh_database  # noqa: E402

from bot.answer.summariser import Summariser  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.ingest import Ingestor  # noqa: E402
from bot.types import Answer  # noqa: E402
from storage import Database  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = HERE.parents[1] / "shared" / "data"
ENGLISH = HERE / "data" / "questions_en.jsonl"
ABSENT_FILE = HERE / "data" / "absent.jsonl"
# Written in two batches by someone who had not seen the bot's answers, and refused far
# less often than the set above, which grew as refusals were worked on: held names with
# an untold event, topics the articles never touch, and everyday questions in their
# domains ("What was Norway's unemployment rate last month?"). The first batch was
# measured while one refusal rule was chosen; the second only before and after it. A
# third (60 more, mostly topics never touched) came later: its even lines were looked at
# when the least evidence a best sentence must hold was chosen, its odd lines only
# measured. A fifth (40 questions in both languages, half of them topics whose ordinary
# words the articles use by chance) is split the same way by pairs: "looked at" and
# "measured only". The benchmark never shows the answers to a batch "measured only".
FRESH_ABSENT_FILE = HERE / "data" / "absent_fresh.jsonl"
# More questions, written for this benchmark, over the tuning half's documents only (so
# that the checking half stays unseen): more to tune on than NorQuAD's 117.
OWN = HERE / "data" / "own_questions.jsonl"
# Questions written later over the checking half's documents, by someone who had not
# seen the bot's answers: a larger sample of the unseen half, measured and never tuned
# on (the benchmark shows no misses for it).
OWN_CHECKING = HERE / "data" / "own_checking.jsonl"
# NorQuAD questions put into Nynorsk by hand, 70 over each half's documents, with their
# Bokmål originals: people write the other Norwegian too.
NYNORSK = HERE / "data" / "questions_nn.jsonl"
# The split of the documents into a tuning half and a checking half; never change it.
SPLIT_SEED = 11
# NorQuAD articles translated into English by hand, and their questions (in Norwegian)
# with the gold answers as the translations word them.
ENGLISH_ARTICLES = HERE / "data" / "articles_en.jsonl"
OVER_ENGLISH = HERE / "data" / "questions_no_en.jsonl"

# More questions about things none of the articles mention (written for this benchmark).
ABSENT = [
    ("Who won the Super Bowl in 2019?", "en"),
    ("Hva sa Zelensky om fredsavtalen?", "no"),
    ("Hvem vant Eurovision i Liverpool?", "no"),
    ("What did the Federal Reserve decide about interest rates?", "en"),
    ("Hvor mange kameler bor i Sahara?", "no"),
    ("Why did the Titanic sink?", "en"),
    ("Når åpner den nye t-banen i Bergen?", "no"),
    ("Who is the CEO of Nvidia?", "en"),
    ("Hva koster en liter bensin i Tromsø i dag?", "no"),
    ("How many moons does Jupiter have?", "en"),
]
LANGUAGES = {"no": "Norwegian", "en": "English"}
_FOLD = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    return " " + " ".join(_FOLD.sub(" ", text.lower()).split()) + " "


@dataclass
class Tally:
    asked: int = 0
    doc: int = 0
    hit: int = 0
    refused: int = 0
    too_long: int = 0
    # Answers told with a caveat ("The best match never uses the word ..."), right ones
    # and the rest.
    caveat_hit: int = 0
    caveat_miss: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, label: str, answer: Answer, item: dict[str, str]) -> None:
        """Count ``answer`` against ``item``'s gold answer and document."""
        first = answer.citations[0].url if answer.citations else None
        long = len(answer.text) > 500
        hit = answer.found and not long and fold(item["answer"]) in fold(answer.text)
        self.asked += 1
        self.doc += first == item["document"]
        self.hit += hit
        self.refused += not answer.found
        self.too_long += long
        if answer.found and answer.note:
            self.caveat_hit += hit
            self.caveat_miss += not hit
        if not hit:
            self.misses.append(
                f"- {label} | gold: {item['answer']}"
                f" | doc ok: {first == item['document']}\n  {answer.text[:300]}"
            )

    def row(self) -> str:
        if not self.asked:
            return f"{'-':>6} {'-':>6}"
        return f"{self.hit / self.asked:6.3f} {self.doc / self.asked:6.3f}"


def split_documents(documents: set[str]) -> tuple[set[str], set[str]]:
    """Half of the documents for tuning, half for checking, the same on every run."""
    ordered = sorted(documents)
    random.Random(SPLIT_SEED).shuffle(ordered)
    half = len(ordered) // 2
    return set(ordered[:half]), set(ordered[half:])


def over_english(kind: str, norquad: Path, tuning: set[str], seed: list[Path]) -> dict[str, Tally]:
    """Norwegian questions over English articles: the hand translations stand in for
    their originals in an index of their own; tallied by the original's half."""
    translations = [json.loads(line) for line in ENGLISH_ARTICLES.open(encoding="utf-8")]
    replaced = {a["original"] for a in translations}
    tallies = {"tuning": Tally(), "checking": Tally()}
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, tmp, "over_en") as url:
        corpus = Path(tmp) / "articles.jsonl"
        with corpus.open("w", encoding="utf-8") as out:
            for line in (norquad / "articles.jsonl").open(encoding="utf-8"):
                if json.loads(line)["url"] not in replaced:
                    out.write(line)
            for article in translations:
                out.write(json.dumps(article, ensure_ascii=False) + "\n")
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        db = Database.open(settings.database_url)
        Ingestor(db, settings).ingest([str(corpus), *map(str, seed)])
        summariser = Summariser(db, settings)
        for item in map(json.loads, OVER_ENGLISH.open(encoding="utf-8")):
            tally = tallies["tuning" if item["original"] in tuning else "checking"]
            tally.add(f"[no/en] {item['question']}", summariser.answer(item["question"]), item)
        db.close()
    return tallies


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument(
        "--misses-from",
        choices=("tuning", "checking", "own", "over-english", "nynorsk tuning"),
        default="tuning",
    )
    args = parser.parse_args()
    norquad = args.data / "norquad-news"
    if not (norquad / "articles.jsonl").exists():
        print(f"skipped: {norquad} not found (the shared data set is not in this checkout)")
        return 0

    questions = [json.loads(line) for line in (norquad / "questions.jsonl").open(encoding="utf-8")]
    english = {
        (item["question_no"], item["document"]): item["question"]
        for item in map(json.loads, ENGLISH.open(encoding="utf-8"))
    }
    tuning, _checking = split_documents({q["document"] for q in questions})
    asks = [
        (
            "tuning" if item["document"] in tuning else "checking",
            {
                "no": item["question"],
                "en": english.get((item["question"], item["document"])),
            },
            item,
        )
        for item in questions
    ]
    if OWN.exists():
        for item in map(json.loads, OWN.open(encoding="utf-8")):
            if item["document"] in tuning:
                asks.append(("own", {"no": item["question"], "en": item["question_en"]}, item))
    if OWN_CHECKING.exists():
        for item in map(json.loads, OWN_CHECKING.open(encoding="utf-8")):
            if item["document"] not in tuning:
                asks.append(
                    ("own checking", {"no": item["question"], "en": item["question_en"]}, item)
                )
    if NYNORSK.exists():
        for item in map(json.loads, NYNORSK.open(encoding="utf-8")):
            half = "tuning" if item["document"] in tuning else "checking"
            asks.append(
                (f"nynorsk {half}", {"nn": item["question"], "no": item["question_no"]}, item)
            )
    absent = [(a["question"], a["language"]) for a in map(json.loads, ABSENT_FILE.open())]
    fresh_items = [json.loads(line) for line in FRESH_ABSENT_FILE.open(encoding="utf-8")]
    fresh = [(a["question"], a["language"]) for a in fresh_items]
    unseen = {a["question"] for a in fresh_items if a["batch"].endswith("measured only")}

    with tempfile.TemporaryDirectory() as tmp, fresh_database(args.db, tmp, "quality") as url:
        settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
        db = Database.open(settings.database_url)
        seed = sorted((args.data / "seed").glob("*.txt"))
        started = time.perf_counter()
        report = Ingestor(db, settings).ingest([str(norquad / "articles.jsonl"), *map(str, seed)])
        print(
            f"database: {args.db}; indexed: {report.summary()} in "
            f"{time.perf_counter() - started:.1f} s"
        )
        summariser = Summariser(db, settings)

        tallies: dict[tuple[str, str], Tally] = {}
        timings: list[float] = []
        for half, asked, item in asks:
            for language, question in asked.items():
                if question is None:
                    continue
                tally = tallies.setdefault((half, language), Tally())
                began = time.perf_counter()
                answer = summariser.answer(question)
                timings.append(time.perf_counter() - began)
                tally.add(f"[{language}] {question}", answer, item)

        print(f"\n{'':24}{'Norwegian':>13}   {'English':>13}")
        print(f"{'answer hit, doc@1':24}{'hit':>6} {'doc@1':>6}   {'hit':>6} {'doc@1':>6}")
        for half in ("tuning", "checking"):
            n = tallies[(half, "no")].asked
            print(
                f"{half + f' half ({n})':24}{tallies[(half, 'no')].row()}   "
                f"{tallies[(half, 'en')].row()}"
            )
        norquad_tallies = [
            (lang, t) for (half, lang), t in tallies.items() if half in ("tuning", "checking")
        ]
        both = {
            language: Tally(
                asked=sum(t.asked for lang, t in norquad_tallies if lang == language),
                doc=sum(t.doc for lang, t in norquad_tallies if lang == language),
                hit=sum(t.hit for lang, t in norquad_tallies if lang == language),
                refused=sum(t.refused for lang, t in norquad_tallies if lang == language),
                too_long=sum(t.too_long for lang, t in norquad_tallies if lang == language),
                caveat_hit=sum(t.caveat_hit for lang, t in norquad_tallies if lang == language),
                caveat_miss=sum(t.caveat_miss for lang, t in norquad_tallies if lang == language),
            )
            for language in LANGUAGES
        }
        label = f"all ({both['no'].asked})"
        print(f"{label:24}{both['no'].row()}   {both['en'].row()}")
        if ("own", "no") in tallies:
            own_label = f"own, tuning docs ({tallies[('own', 'no')].asked})"
            print(f"{own_label:24}{tallies[('own', 'no')].row()}   {tallies[('own', 'en')].row()}")
        if ("own checking", "no") in tallies:
            mine = tallies[("own checking", "no")], tallies[("own checking", "en")]
            own_label = f"own, checking docs ({mine[0].asked})"
            print(f"{own_label:24}{mine[0].row()}   {mine[1].row()}")
        print(
            f"{'answerable refused':24}{both['no'].refused:>13}   {both['en'].refused:>13}\n"
            f"{'answers over 500 chars':24}{both['no'].too_long:>13}   {both['en'].too_long:>13}"
        )
        caveats = {
            lang: f"{both[lang].caveat_hit} right, {both[lang].caveat_miss} not"
            for lang in LANGUAGES
        }
        print(f"{'told with a caveat':24}{caveats['no']:>13}   {caveats['en']:>13}")
        if ("nynorsk tuning", "nn") in tallies:
            print("\nNynorsk questions, beside their Bokmål originals")
            print(f"{'':24}{'Nynorsk':>13}   {'Bokmål':>13}")
            for half in ("tuning", "checking"):
                nynorsk, bokmal = (
                    tallies[(f"nynorsk {half}", "nn")],
                    tallies[(f"nynorsk {half}", "no")],
                )
                label = f"{half} half ({nynorsk.asked})"
                print(f"{label:24}{nynorsk.row()}   {bokmal.row()}   refused {nynorsk.refused}")

        crossed = over_english(args.db, norquad, tuning, seed)
        print(
            "\nNorwegian questions over English articles "
            f"({len(crossed['tuning'].misses) + len(crossed['checking'].misses)} missed):"
        )
        for half, tally in crossed.items():
            print(f"{half + f' half ({tally.asked})':24}{tally.row()}   refused {tally.refused}")

        print("\nabsent-topic questions refused (benchmarks/data/absent.jsonl, built in, fresh):")
        answered: list[str] = []
        for label, items in (
            ("absent.jsonl", absent),
            ("built in", ABSENT),
            ("absent_fresh.jsonl", fresh),
        ):
            counts = []
            for language, name in LANGUAGES.items():
                asked_here = [q for q, lang in items if lang == language]
                refused = caveat = 0
                for q in asked_here:
                    reply = summariser.answer(q)
                    refused += not reply.found
                    caveat += bool(reply.found and reply.note)
                    if reply.found and q not in unseen:
                        answered.append(f"  answered (should refuse): {q} -> {reply.text[:120]}")
                counts.append(f"{name} {refused}/{len(asked_here)} (+{caveat} with a caveat)")
            print(f"  {label}: " + ", ".join(counts))
        print("  absent_fresh.jsonl by shape and batch (refused):")
        refused_fresh = {q for q, _ in fresh if not summariser.answer(q).found}
        groups: dict[tuple[str, str], list[dict[str, str]]] = {}
        for item in fresh_items:
            groups.setdefault((item["shape"], item["batch"]), []).append(item)
            groups.setdefault((item["shape"], "all"), []).append(item)
        for (shape, batch), items in sorted(groups.items()):
            counts = []
            for language, name in LANGUAGES.items():
                mine = [i for i in items if i["language"] == language]
                counts.append(
                    f"{name} {sum(i['question'] in refused_fresh for i in mine)}/{len(mine)}"
                )
            print(f"    {shape}, {batch}: " + ", ".join(counts))
        print("\n".join(answered))

        timings.sort()
        n = len(timings)
        print(
            f"\nask p50 {timings[n // 2] * 1000:.1f} ms, p95 {timings[int(n * 0.95)] * 1000:.1f} ms"
        )
        if seed:
            haftar = summariser.answer("who backs Haftar?")
            first_citation = haftar.citations[0] if haftar.citations else None
            ok = (
                first_citation is not None
                and first_citation.url == seed[0].resolve().as_uri()
                and first_citation.published == "2020-01"
                and "Russland som uoffisielt står på Haftars side" in haftar.text
            )
            print(
                "seed check (who backs Haftar? -> Russland sentence, seed first, 2020-01): "
                + ("ok" if ok else "FAILED")
            )
        if args.show_misses and args.misses_from == "over-english":
            print("\nmisses, Norwegian questions over English articles:")
            for tally in crossed.values():
                print("\n".join(tally.misses[: args.show_misses]))
        elif args.show_misses:
            print(f"\nmisses, {args.misses_from} half:")
            for language in (*LANGUAGES, "nn"):
                shown = tallies.get((args.misses_from, language), Tally())
                for miss in shown.misses[: args.show_misses]:
                    print(miss)
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
