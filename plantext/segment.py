"""Word segmentation with jieba: one tokenizer per dictionary, made once per process.

jieba's module-level tokenizer is global, and a plan's own words (its initiative names and key terms) must
never leak into another plan's segmentation, so each dictionary gets a `jieba.Tokenizer` of its own: a copy of
jieba's base dictionary (loaded once per process, about a second) with the plan's words added. A tokenizer is
only read once made, so threads may share it.
"""

import logging
import threading

import jieba

_lock = threading.Lock()
_base = None
_tokenizers = {}


def _base_tokenizer():
    global _base
    if _base is None:
        jieba.setLogLevel(logging.WARNING)
        base = jieba.Tokenizer()
        base.initialize()
        _base = base
    return _base


def tokenizer(words=()):
    """The jieba tokenizer for jieba's dictionary plus `words` (in the form the text to segment is in)."""
    key = frozenset(word for word in words if word)
    with _lock:
        found = _tokenizers.get(key)
        if found is None:
            base = _base_tokenizer()
            found = jieba.Tokenizer()
            found.FREQ = dict(base.FREQ)
            found.total = base.total
            found.initialized = True
            for word in sorted(key):
                found.add_word(word)
            _tokenizers[key] = found
        return found
