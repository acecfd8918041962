"""Every kind of bad record, in JSON Lines and CSV, through a real index.

Each corpus mixes good records with bad ones; the good ones must all be
indexed and searchable, every bad one reported with its file and line, and
nothing may raise.
"""

from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner

from search import Searcher
from search import index as idx
from search.cli import main
from search.ingest import MAX_LINE_BYTES, Article, Problem, read_sources

BOM = b"\xef\xbb\xbf"
FIVE_MB_BODY = "قالت الحكومة إن المفاوضات مستمرة " * 80_000  # about 5 MB of UTF-8: an article like any other


def line(record: dict) -> bytes:
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


# (bytes of the line, id of the article it must give, or the start of the problem message)
JSONL_LINES: list[tuple[bytes, str | None, str | None]] = [
    (BOM + line({"id": "bom-1", "title": "بداية الملف", "body": "سطر أول بعلامة ترتيب البايتات"}), "bom-1", None),
    (b"{not json at all", None, "invalid JSON"),
    (line({"id": "title-int", "title": 5, "body": "نص"}), None, "title must be a string, not int"),
    (line({"id": "date-word", "body": "نص", "date": "yesterday"}), None, "bad date 'yesterday'"),
    (line({"id": "date-int", "body": "نص", "date": 20220914}), None, "date must be an ISO 8601 string"),
    (line({"id": "body-empty", "body": ""}), None, "no body"),
    (line({"id": "body-blank", "body": " \t\r\n  "}), None, "no body"),
    (line({"id": "body-nul-only", "body": "\u0000\u0000"}), None, "no body"),
    (line({"id": "no-body", "title": "عنوان فقط"}), None, "no body"),
    (b'{"id": "bytes", "body": "\xd8\xa7\xff\xfe"}', None, "undecodable bytes (not UTF-8)"),
    (line({"id": "huge", "body": FIVE_MB_BODY}), "huge", None),
    (line({"id": "runaway", "body": "ك" * 5000}), None, "body has a word of 5,000 letters"),
    (line({"id": "dup", "title": "النسخة الأولى", "body": "الصيغة القديمة للخبر"}), "dup", None),
    (line({"id": "html", "title": "خبر <b>عاجل</b>", "body": "نص فيه <script>alert(1)</script> عن الأسواق"}), "html", None),
    (line({"id": "nul-escaped", "body": "قبل\u0000بعد الانتخابات"}), "nul-escaped", None),
    (b'{"id": "nul-raw", "body": "\x00\xd8\xa7\xd9\x84\xd8\xa8\xd8\xb1\xd9\x84\xd9\x85\xd8\xa7\xd9\x86\x00"}', "nul-raw", None),
    (line({"id": "surrogate", "body": "نص"}).replace("نص".encode(), b"\\ud800 \xd9\x86\xd8\xb5"), "surrogate", None),
    (b"[1, 2, 3]", None, "record is not a JSON object"),
    (line({"id": ["a", "list"], "body": "نص"}), None, "id must be a string, not list"),
    (b'{"id": "bigint", "body": "x", "n": ' + b"9" * 5000 + b"}", None, "invalid JSON"),
    (line({"id": "dup", "title": "النسخة الأخيرة", "body": "الصيغة الجديدة للخبر"}), "dup", None),
    (line({"id": 42, "body": "معرف رقمي صحيح"}), "42", None),
    ('{"id": "cut", "body": "سطر مقط'.encode(), None, "invalid JSON"),  # truncated last line, no line end
]


def bad_jsonl(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\r\n".join(raw for raw, _, _ in JSONL_LINES))  # CRLF, no final line end
    return path


def split(records):
    records = list(records)
    assert all(isinstance(r, (Article, Problem)) for r in records)
    return [r for r in records if isinstance(r, Article)], [r for r in records if isinstance(r, Problem)]


def test_jsonl_every_bad_record_is_reported_with_its_line(tmp_path):
    path = bad_jsonl(tmp_path)
    articles, problems = split(read_sources([path]))
    expected_ids = [i for _, i, _ in JSONL_LINES if i]
    assert [a.id for a in articles] == expected_ids  # both "dup" records: the index decides
    expected_problems = [(n, m) for n, (_, _, m) in enumerate(JSONL_LINES, start=1) if m]
    assert [(p.path, p.line) for p in problems] == [(str(path), n) for n, _ in expected_problems]
    for problem, (_, message) in zip(problems, expected_problems):
        assert problem.message.startswith(message), problem
    assert "truncated file?" in problems[-1].message
    by_id = {a.id: a for a in articles}
    assert by_id["bom-1"].title == "بداية الملف"
    assert by_id["nul-escaped"].body == "قبلبعد الانتخابات"
    assert by_id["nul-raw"].body == "البرلمان"
    assert by_id["surrogate"].body == "\ufffd نص"
    assert by_id["html"].body == "نص فيه <script>alert(1)</script> عن الأسواق"
    assert by_id["huge"].body == FIVE_MB_BODY.strip()  # never dropped for its size
    assert [a.origin for a in articles if a.id == "dup"] == [f"{path}:13", f"{path}:21"]


def test_jsonl_bad_corpus_builds_an_index_of_every_good_record(tmp_path):
    path = bad_jsonl(tmp_path)
    report = idx.build(tmp_path / "ix", read_sources([path]))
    good = {i for _, i, _ in JSONL_LINES if i}
    assert (report.indexed, report.updated, report.duplicates) == (len(good), 0, 1)
    assert report.skipped == sum(1 for *_, m in JSONL_LINES if m)
    assert "duplicates 1 (last kept)" in report.summary()
    s = Searcher(tmp_path / "ix")
    try:
        assert s.stats()["articles"] == len(good)
        assert [h.id for h in s.search("الصيغة").hits] == ["dup"]
        dup = s.article("dup")
        assert (dup.title, dup.body) == ("النسخة الأخيرة", "الصيغة الجديدة للخبر")
        assert s.search("القديمة").total == 0
        assert [h.id for h in s.search("الأسواق").hits] == ["html"]
        assert "<script>" in s.article("html").body  # stored as written; escaped when shown
        assert "&lt;script&gt;" in s.article("html", highlight="الأسواق").body_html
        assert [h.id for h in s.search("البرلمان").hits] == ["nul-raw"]
        assert [h.id for h in s.search("الانتخابات").hits] == ["nul-escaped"]
        assert "\x00" not in json.dumps([s.article(i).body for i in good])
    finally:
        s.close()


def test_cli_build_reports_each_bad_record_and_the_duplicates(tmp_path):
    path = bad_jsonl(tmp_path)
    result = CliRunner().invoke(main, ["build", str(path), "--index-dir", str(tmp_path / "ix")])
    assert result.exit_code == 0, result.output
    for number, (_, _, message) in enumerate(JSONL_LINES, start=1):
        if message:
            assert f"skipped {path}:{number}: {message}" in result.output
    assert f"duplicate id 'dup': {path}:21 replaces {path}:13" in result.output
    good = len({i for _, i, _ in JSONL_LINES if i})
    bad = sum(1 for *_, m in JSONL_LINES if m)
    assert f"indexed {good}, updated 0, skipped {bad}, duplicates 1 (last kept)" in result.output


def test_duplicates_in_add_and_in_several_files_the_last_wins(tmp_path):
    first = tmp_path / "a.jsonl"
    first.write_bytes(b"\n".join([line({"id": "x", "body": "نسخة أولى"}), line({"id": "y", "body": "خبر ثابت"})]) + b"\n")
    second = tmp_path / "b.jsonl"
    second.write_bytes(line({"id": "x", "body": "نسخة ثانية"}) + b"\n")
    ix = tmp_path / "ix"
    # The same file twice (identical records) and then a changed one.
    report = idx.build(ix, read_sources([first, first, second]))
    assert (report.indexed, report.duplicates) == (2, 3)
    s = Searcher(ix)
    assert s.stats()["articles"] == 2 and s.article("x").body == "نسخة ثانية"
    third = tmp_path / "c.jsonl"
    third.write_bytes(b"\n".join([line({"id": "y", "body": "تحديث أول"}), line({"id": "y", "body": "تحديث أخير"}),
                                   line({"id": "z", "body": "جديد"}), line({"id": "z", "body": "جديد معدل"})]) + b"\n")
    report = idx.add(ix, read_sources([third]))
    assert (report.indexed, report.updated, report.duplicates) == (1, 1, 2)
    assert s.stats()["articles"] == 3
    assert (s.article("y").body, s.article("z").body) == ("تحديث أخير", "جديد معدل")
    assert s.search("تحديث").total == 1
    s.close()


CSV_HEADER = "id,title,body,date,source\r\n"
CSV_ROWS: list[tuple[str, str | None, str | None]] = [
    ('1,عنوان,"نص, فيه فاصلة",2022-01-02,مصدر\r\n', "1", None),
    ("2,بلا نص,,2022-01-02,مصدر\r\n", None, "no body"),
    ("3,فراغ,   ,2022-01-02,مصدر\r\n", None, "no body"),
    ("4,تاريخ,نص,yesterday,مصدر\r\n", None, "bad date 'yesterday'"),
    ("BYTES", None, "undecodable bytes"),
    ("6,نول,نص\x00فيه نول,2022-01-02,مصدر\r\n", "6", None),
    ('7,خبر <b>عاجل</b>,"<script>alert(1)</script> الأسواق",2022-01-02,مصدر\r\n', "7", None),
    (f'8,ضخم,"{FIVE_MB_BODY}",2022-01-02,مصدر\r\n', "8", None),
    ("9,مكرر,النسخة الأولى,2022-01-02,مصدر\r\n", "9", None),
    ("10,ناقص,حقول أقل\r\n", None, "3 fields, the header names 5 (truncated line?)"),
    ("11,زائد,نص,2022-01-02,مصدر,زيادة\r\n", None, "more fields than the header names"),
    ('12,"اقتباس"مكسور,نص,2022-01-02,مصدر\r\n', None, "bad CSV row"),
    ("9,مكرر,النسخة الأخيرة,2022-01-02,مصدر\r\n", "9", None),
    ('13,مقطوع,"نص لم يكتمل', None, "bad CSV row: unexpected end of data"),  # truncated last line
]


def bad_csv(tmp_path):
    path = tmp_path / "bad.csv"
    data = BOM + CSV_HEADER.encode()
    for raw, _, _ in CSV_ROWS:
        data += b"5,bytes,\xd8\xa7\xff,2022-01-02,x\r\n" if raw == "BYTES" else raw.encode("utf-8")
    path.write_bytes(data)
    return path


def test_csv_every_bad_row_is_reported_and_the_good_ones_indexed(tmp_path):
    path = bad_csv(tmp_path)
    articles, problems = split(read_sources([path]))
    assert [a.id for a in articles] == [i for _, i, _ in CSV_ROWS if i]
    expected = [(n, m) for n, (_, _, m) in enumerate(CSV_ROWS, start=2) if m]
    assert [p.line for p in problems] == [n for n, _ in expected]
    for problem, (_, message) in zip(problems, expected):
        assert problem.message.startswith(message), problem
    by_id = {a.id: a for a in articles}
    assert by_id["1"].title == "عنوان" and by_id["1"].body == "نص, فيه فاصلة"  # BOM not in the "id" column
    assert by_id["6"].body == "نصفيه نول"

    report = idx.build(tmp_path / "ix", read_sources([path]))
    assert (report.indexed, report.duplicates, report.skipped) == (5, 1, len(expected))
    s = Searcher(tmp_path / "ix")
    assert s.stats()["articles"] == 5
    assert s.article("8").body == FIVE_MB_BODY.strip()
    assert s.article("9").body == "النسخة الأخيرة"
    assert [h.id for h in s.search("الأسواق").hits] == ["7"]
    s.close()


def test_truncated_gzip_and_odd_files_never_raise(tmp_path):
    records = b"".join(line({"id": f"g{n}", "body": f"خبر رقم {n} عن الاقتصاد"}) + b"\n" for n in range(2000))
    whole = gzip.compress(records)
    (tmp_path / "cut.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    (tmp_path / "garbage.jsonl.gz").write_bytes(b"not gzip at all")
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "bom.txt").write_bytes(BOM + "خبر نصي\x00 قصير. والبقية".encode())
    (tmp_path / "blank.txt").write_bytes(b" \r\n\x00 ")
    articles, problems = split(read_sources([tmp_path]))
    ids = [a.id for a in articles]
    assert "bom" in ids and next(a for a in articles if a.id == "bom").title == "خبر نصي قصير"
    read = [i for i in ids if i.startswith("g")]
    assert 0 < len(read) < 2000 and read == [f"g{n}" for n in range(len(read))]
    messages = {p.path.rsplit("/", 1)[-1]: (p.line, p.message) for p in problems}
    assert messages["cut.jsonl.gz"][0] == len(read) + 1
    assert messages["cut.jsonl.gz"][1].startswith("cannot read further")
    assert messages["garbage.jsonl.gz"][1].startswith("cannot read file")
    assert messages["empty.csv"][1] == "CSV header has no 'body' column"
    assert messages["blank.txt"][1].startswith("no body")
    assert "empty.jsonl" not in messages


def test_a_line_too_long_to_read_is_skipped_and_the_next_one_read(tmp_path):
    path = tmp_path / "long.jsonl"
    with open(path, "wb") as handle:
        handle.write(line({"id": "before", "body": "قبل"}) + b"\n")
        handle.write(b'{"id": "runaway", "body": "' + b"a" * (MAX_LINE_BYTES + 10) + b'"}\n')
        handle.write(line({"id": "after", "body": "بعد"}) + b"\n")
    articles, problems = split(read_sources([path]))
    assert [a.id for a in articles] == ["before", "after"]
    assert [(p.line, p.message) for p in problems] == [(2, "line longer than 16 MB, skipped unread")]


@pytest.mark.parametrize("size", [200_000, 200_001, 3_000_000])
def test_no_body_is_too_long(tmp_path, size):
    # 200,000 characters was once a limit; an article of any length is read whole.
    path = tmp_path / "a.jsonl"
    body = ("خبر " * size)[:size].strip()
    path.write_bytes(line({"id": "a", "body": body}) + b"\n")
    articles, problems = split(read_sources([path]))
    assert problems == [] and [a.body for a in articles] == [body]
