import gzip
import json
from datetime import datetime

from search.ingest import Article, Problem, read_sources, stable_id

from helpers import SEEDS, write_jsonl


def split(records):
    records = list(records)
    return [r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Problem)]


def test_jsonl_with_every_field(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"id": 7, "title": "عنوان", "body": "نص الخبر", "date": "2022-09-14T10:30:00Z", "source": "س", "category": "ك", "url": "u"}],
    )
    (article,), problems = split(read_sources([path]))
    assert problems == []
    assert article == Article(id="7", title="عنوان", body="نص الخبر", date=datetime(2022, 9, 14, 10, 30), source="س", category="ك", url="u")


def test_gzipped_jsonl(tmp_path):
    path = tmp_path / "a.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g", "body": "خبر مضغوط"}, ensure_ascii=False) + "\n")
    (article,), _ = split(read_sources([path]))
    assert article.id == "g" and article.body == "خبر مضغوط"


def test_missing_id_is_derived_stably_from_url_or_text(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", [{"body": "نص", "url": "https://x/1"}, {"body": "نص آخر", "title": "ع"}])
    first, _ = split(read_sources([path]))
    again, _ = split(read_sources([path]))
    assert [a.id for a in first] == [a.id for a in again]
    assert first[0].id == stable_id("https://x/1", "", "نص")
    assert first[1].id == stable_id("", "ع", "نص آخر")
    assert first[0].id != first[1].id


def test_bad_records_are_reported_with_line_numbers_and_the_rest_is_read(tmp_path):
    path = tmp_path / "bad.jsonl"
    lines = [
        json.dumps({"id": "ok1", "body": "سليم"}, ensure_ascii=False).encode(),
        b"{not json",
        json.dumps({"id": "nobody", "title": "t"}).encode(),
        json.dumps({"id": "baddate", "body": "x", "date": "14/09/2022"}).encode(),
        b'{"id": "bytes", "body": "\xff\xfe"}',
        b"[1, 2]",
        json.dumps({"id": "badtype", "body": "x", "title": ["list"]}).encode(),
        json.dumps({"id": "ok2", "body": "سليم أيضا"}, ensure_ascii=False).encode(),
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    articles, problems = split(read_sources([path]))
    assert [a.id for a in articles] == ["ok1", "ok2"]
    assert [(p.line, p.path) for p in problems] == [(n, str(path)) for n in (2, 3, 4, 5, 6, 7)]
    messages = [p.message for p in problems]
    assert "invalid JSON" in messages[0]
    assert "no body" in messages[1]
    assert "bad date" in messages[2]
    assert "undecodable" in messages[3]
    assert f"{path}:2:" in str(problems[0])


def test_csv_with_header_and_bad_rows(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(
        "id,title,body,date,source\n"
        '1,عنوان,"نص, فيه فاصلة",2022-01-02,مصدر\n'
        "2,بلا نص,,2022-01-02,مصدر\n"
        "3,تاريخ,نص,yesterday,مصدر\n".encode()
        + b"4,bytes,\xff\xfe,2022-01-02,x\n"
        + '5,"متعدد\nالأسطر",نص خامس,,\n'.encode()
    )
    articles, problems = split(read_sources([path]))
    assert [(a.id, a.body) for a in articles] == [("1", "نص, فيه فاصلة"), ("5", "نص خامس")]
    assert articles[1].title == "متعدد\nالأسطر"
    assert [p.line for p in problems] == [3, 4, 5]


def test_plain_text_article_like_the_seed():
    (article,), problems = split(read_sources([SEEDS]))
    assert problems == []
    seed = next(SEEDS.glob("*.txt"))
    assert article.id == seed.stem
    assert article.title.startswith("وقال الكرملين")
    assert len(article.title) <= 121
    assert article.body == seed.read_text(encoding="utf-8").strip()


def test_directories_are_read_recursively_and_odd_paths_reported(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    write_jsonl(nested / "x.jsonl", [{"id": "x", "body": "نص"}])
    (tmp_path / "a" / "y.txt").write_text("خبر نصي. بقية النص", encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("ignored", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00")
    articles, problems = split(read_sources([tmp_path / "a", tmp_path / "missing.jsonl", tmp_path / "bad.txt"]))
    assert sorted(a.id for a in articles) == ["x", "y"]
    assert [p.message for p in problems][0] == "no such file or directory"
    assert "undecodable" in problems[1].message
