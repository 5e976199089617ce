from __future__ import annotations

from bot.text.similarity import closest_spelling, edit_distance, jaccard, signature


def test_edit_distance_with_cutoff() -> None:
    assert edit_distance("fossenholm", "fossesholm", 2) == 1
    assert edit_distance("haftar", "haftar", 1) == 0
    assert edit_distance("kitten", "sitting", 2) == 3  # over the limit: limit + 1


def test_closest_spelling_allows_more_edits_in_longer_names() -> None:
    vocabulary = {"stobritannia", "storbritannia", "veslemannen", "oslo", "berge", "bergen"}
    assert closest_spelling("stobritania", vocabulary) == "stobritannia"
    assert closest_spelling("veslamennen", vocabulary) == "veslemannen"
    assert closest_spelling("osla", vocabulary) is None  # short names must match exactly
    assert closest_spelling("zelensky", vocabulary) is None


def test_story_signatures_overlap_for_two_tellings() -> None:
    a = signature("Stormen Ingrid stengte 14 fergesamband i Bergen natt til torsdag.")
    b = signature("Ingrid stanset 14 fergesamband, og Bergen mistet strømmen torsdag.")
    c = signature("Sentralbanken holdt renten uendret på 4,5 prosent.")
    assert jaccard(a, b) > 0.3 > jaccard(a, c)
