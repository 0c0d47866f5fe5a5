"""Text helpers for plans, with no Django: the bottom layer of plan-api.

- `plantext.scripts`: writing a text in another Chinese script (OpenCC), with one converter per
  configuration per thread;
- `plantext.segment`: jieba word segmentation, one tokenizer per dictionary;
- `plantext.passages`: the one walk over a plan's passages that mentions, term counts and the search
  index all use.

Everything here takes plain values (strings, the builder's plain data) and returns plain values.
"""
