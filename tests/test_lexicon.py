"""The general-Arabic frequency list, normalized once and kept in the user's cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from search import lexicon

WORDS = ["الحكومة", "الأمريكية", "قانون", "كلنتون", "لا-كلمة"]


def _zipfs_in_a_new_process(cache: str) -> dict:
    code = f"import json; from search import lexicon; print(json.dumps([lexicon.zipf(lexicon.normalize(w)) for w in {WORDS!r}]))"
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_the_table_is_kept_and_read_back_the_same(tmp_path):
    first = _zipfs_in_a_new_process(str(tmp_path))
    kept = list((tmp_path / "akhbar").glob("lexicon-ar-*.marshal"))
    assert len(kept) == 1
    assert first[0] > 5 and first[-1] == 0.0
    assert _zipfs_in_a_new_process(str(tmp_path)) == first  # read from the cache this time
    # A damaged file is made again, not trusted.
    kept[0].write_bytes(b"not marshal")
    assert _zipfs_in_a_new_process(str(tmp_path)) == first
    assert lexicon._read(kept[0]) is not None


def test_a_cache_it_cannot_write_costs_nothing_but_time(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache directory would be")
    assert _zipfs_in_a_new_process(str(blocked))[0] > 5


def _seats_in_a_new_process(cache: str) -> list:
    forms = ["خاطء", "الطوارء", "جزء", "المرء", "كلمةلاتعرف"]
    code = f"import json; from search import lexicon; print(json.dumps([lexicon.seated(f) for f in {forms!r}]))"
    env = {**os.environ, "XDG_CACHE_HOME": cache}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_a_hamzas_seat_share_tells_a_seated_word_from_one_on_the_line(tmp_path):
    """Normalized, خاطئ and جزء both end in ء: the share written with ئ is
    what tells the stemmer that خاطيء is خاطئ and جزيء is not جزء."""
    first = _seats_in_a_new_process(str(tmp_path))
    seated_words, on_the_line, unknown = first[:2], first[2:4], first[4]
    assert all(share > 0.9 for share in seated_words)
    assert all(share < 0.1 for share in on_the_line)
    assert unknown is None
    assert _seats_in_a_new_process(str(tmp_path)) == first  # read from the cache this time
