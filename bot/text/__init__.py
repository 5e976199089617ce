"""Pure text functions: sentences, tokens, stems, language, URLs."""

from bot.text.language import detect_language, language_code, load_language_model
from bot.text.sentences import sentences_of, split_sentences
from bot.text.tokens import (
    STOPWORDS,
    document_terms,
    fold_letters,
    index_terms,
    is_unspaced,
    one_line,
    plain_letters,
    question_words,
    stem_words,
    tokenize,
    words,
)
from bot.text.urls import canonical_url

__all__ = [
    "STOPWORDS",
    "canonical_url",
    "detect_language",
    "language_code",
    "load_language_model",
    "document_terms",
    "fold_letters",
    "index_terms",
    "is_unspaced",
    "one_line",
    "plain_letters",
    "question_words",
    "sentences_of",
    "split_sentences",
    "stem_words",
    "tokenize",
    "words",
]
