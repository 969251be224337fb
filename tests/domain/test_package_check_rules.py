"""The 四性 rules over listings of packages made here (no files): each kind of damage is found,
named and put in its category."""
from __future__ import annotations

import hashlib
import json

import pytest

from jlclient.domain import package_check as pc
from jlclient.domain.package_check import (AUTHENTICITY, FAIL, INTEGRITY, PASS, SECURITY, SKIP, USABILITY, AuditRef,
                                           Entry, LiveRecords, Package)

PDF = b"%PDF-1.4 a document"
VIDEO = b"\x00\x00\x00\x20ftypisom footage"
REV = "a" * 64


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ref(seq: int, entity: str, action: str = "record.save") -> dict:
    return {"seq": seq, "entry_hash": f"{seq:064x}", "entity": entity, "action": action}


def metadata(docs: dict[str, bytes], videos: dict[str, bytes], **changes) -> dict:
    documents = [{"no": pc.document_number(p.rsplit("/", 1)[-1]), "path": p, "sha256": sha(d), "size": len(d),
                  "record": f"text_record#{i}", "source": {"entity": f"text_record_revision#{i}", "hash": REV},
                  "audit": [{"seq": 10 + i, "entry_hash": f"{10 + i:064x}"}]}
                 for i, (p, d) in enumerate(docs.items(), 1)]
    recordings = [{"path": p, "sha256": sha(d), "size": len(d), "record": f"av_record#{i}",
                   "source": {"entity": f"av_record#{i}", "hash": sha(d)},
                   "audit": [{"seq": 50 + i, "entry_hash": f"{50 + i:064x}"}]}
                  for i, (p, d) in enumerate(videos.items(), 1)]
    trail = [ref(1, "case_file#1", "case.open")]
    trail += [ref(10 + i, f"text_record#{i}") for i in range(1, len(docs) + 1)]
    trail += [ref(50 + i, f"av_record#{i}", "av.add") for i in range(1, len(videos) + 1)]
    doc = {"format": pc.FORMAT, "case": {"number": "灵行审罚〔2026〕1号"}, "volume": {"archive_number": "2026-0001"},
           "documents": documents, "recordings": recordings, "notes": [], "omitted": [], "audit_trail": trail}
    doc.update(changes)
    return doc


def bag(files: dict[str, bytes], meta: dict | None = None, *, oxum: str | None = None) -> dict[str, bytes]:
    """A complete bag around ``files`` (payload paths), as services.export lays it out."""
    payload = dict(files)
    if meta is not None:
        payload[pc.METADATA] = json.dumps(meta, ensure_ascii=False).encode()
    out = dict(payload)
    out[pc.MANIFEST] = pc.manifest_text((p, sha(d)) for p, d in payload.items()).encode()
    out[pc.BAG_INFO] = (f"Source-Organization: 灵寿县行政审批局\nExternal-Identifier: 灵行审罚〔2026〕1号\n"
                        f"Bagging-Date: 2026-11-23\n"
                        f"Payload-Oxum: {oxum or pc.payload_oxum(len(d) for d in payload.values())}\n").encode()
    out[pc.BAGIT] = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    tags = {p: out[p] for p in (pc.MANIFEST, pc.BAG_INFO, pc.BAGIT)}
    out[pc.TAGMANIFEST] = pc.manifest_text((p, sha(d)) for p, d in tags.items()).encode()
    return out


def package(files: dict[str, bytes], *, pdf=None, video=None, live=None, special=(), namespaces=None) -> Package:
    entries = tuple(Entry(p, len(d), sha(d), d[:pc.HEAD_BYTES]) for p, d in sorted(files.items()))
    entries += tuple(Entry(p, 0, special="符号链接") for p in special)
    texts = {p: d for p, d in files.items() if p in pc.TEXT_KEPT}
    pdf = {p: "" for p in files if pc.is_pdf(p)} if pdf is None else pdf
    video = {p: "" for p in files if pc.is_video(p)} if video is None else video
    return Package("/media/disc", "bag", entries, texts, pdf, video, live, namespaces=namespaces,
                   checked_at="2026-11-23T10:00:00")


DOCS = {f"{pc.DOCUMENTS}01_行政处罚决定书.pdf": PDF + b"1", f"{pc.DOCUMENTS}02_立案审批表.pdf": PDF + b"2",
        f"{pc.DOCUMENTS}03_询问笔录.pdf": PDF + b"3"}
VIDEOS = {f"{pc.FOOTAGE}执法仪01_0001.MP4": VIDEO}


def good() -> dict[str, bytes]:
    return bag({**DOCS, **VIDEOS}, metadata(DOCS, VIDEOS))


def findings(report, check=None):
    return [(f.category, f.check, f.path) for f in report.findings if check is None or f.check == check]


def test_an_intact_package_passes_every_check_and_says_what_it_did_not_check():
    report = pc.evaluate(package(good()))
    assert report.ok and report.findings == ()
    status = {c.code: c.status for c in report.checks}
    assert status["payload_hash"] == status["stray"] == status["numbering"] == status["trail"] == PASS
    assert status["audit"] == SKIP and status["namespaces"] == SKIP
    assert [report.category_status(c) for c in pc.CATEGORIES] == [PASS] * 4
    assert report.case_number == "灵行审罚〔2026〕1号" and report.archive_number == "2026-0001"
    assert "四性检测通过" in report.headline() and "审计记录引用" in report.headline()
    as_dict = report.as_dict()
    assert as_dict["ok"] is True and as_dict["categories"] == {c: PASS for c in pc.CATEGORIES}
    json.dumps(as_dict, ensure_ascii=False)


def test_a_changed_byte_fails_authenticity_naming_the_file():
    files = good()
    path = f"{pc.DOCUMENTS}02_立案审批表.pdf"
    files[path] = files[path][:-1] + b"X"
    report = pc.evaluate(package(files))
    assert (AUTHENTICITY, "payload_hash", path) in findings(report)
    assert (AUTHENTICITY, "metadata_content", path) in findings(report)
    assert report.failed_categories == (AUTHENTICITY,)
    assert "四性检测未通过：真实性 2 项" == report.headline()
    assert path in str(report.findings[0])


def test_a_deleted_file_fails_integrity_naming_it_and_the_gap_in_numbering():
    files = good()
    path = f"{pc.DOCUMENTS}02_立案审批表.pdf"
    del files[path]
    report = pc.evaluate(package(files))
    assert (INTEGRITY, "listed", path) in findings(report)
    gap = [f for f in report.findings if f.check == "numbering"]
    assert len(gap) == 1 and gap[0].path == path and "缺少第 02 号" in gap[0].message
    assert findings(report, "oxum") == [(INTEGRITY, "oxum", pc.BAG_INFO)]
    assert report.failed_categories == (INTEGRITY,)


def test_a_stray_file_fails_security_naming_it():
    files = good()
    files["data/说明.txt"] = b"added later"
    report = pc.evaluate(package(files))
    assert findings(report, "stray") == [(SECURITY, "stray", "data/说明.txt")]
    assert "清单以外" in report.findings[-1].message
    files = good()
    files["autorun.inf"] = b"[autorun]\nopen=setup.exe\n"
    report = pc.evaluate(package(files))
    assert (SECURITY, "stray", "autorun.inf") in findings(report)
    assert (SECURITY, "executable", "autorun.inf") in findings(report)


@pytest.mark.parametrize("name, content", [("data/文书/程序.pdf", b"MZ\x90\x00 windows program"),
                                           ("data/音像/x.MP4", b"\x7fELF\x02\x01 linux program"),
                                           ("data/metadata/run.sh", b"#!/bin/sh\nrm -rf /\n"),
                                           ("data/工具.exe", b"anything")])
def test_executables_and_scripts_fail_security_even_when_listed(name, content):
    files = bag({**DOCS, name: content}, metadata(DOCS, {}))
    report = pc.evaluate(package(files, pdf={p: "" for p in files if pc.is_pdf(p)}, video={}))
    assert (SECURITY, "executable", name) in findings(report)
    assert not findings(report, "stray")


def test_links_and_unsafe_manifest_paths_fail_security():
    report = pc.evaluate(package(good(), special=("data/音像/link.MP4",)))
    assert (SECURITY, "special", "data/音像/link.MP4") in findings(report)
    files = good()
    files[pc.MANIFEST] += f"{'0' * 64}  data/../../etc/passwd\n".encode()
    report = pc.evaluate(package(files))
    assert (SECURITY, "paths", pc.MANIFEST) in findings(report)
    assert (AUTHENTICITY, "tag_hash", pc.MANIFEST) in findings(report)    # the tag manifest vouches for the old one


def test_numbering_must_run_on_without_gaps_in_files_and_metadata():
    docs = {f"{pc.DOCUMENTS}01_a.pdf": PDF, f"{pc.DOCUMENTS}02_b.pdf": PDF + b"b",
            f"{pc.DOCUMENTS}04_c.pdf": PDF + b"c"}
    report = pc.evaluate(package(bag(docs, metadata(docs, {}))))
    messages = [f.message for f in report.findings if f.check == "numbering"]
    assert any("缺少第 03 号" in m for m in messages) and any("元数据中的文书编号不连续" in m for m in messages)
    assert report.failed_categories == (INTEGRITY,)


def test_unparsable_pdfs_unreadable_videos_and_other_formats_fail_usability():
    files = good()
    pdf_path, video_path = f"{pc.DOCUMENTS}03_询问笔录.pdf", next(iter(VIDEOS))
    report = pc.evaluate(package(files, pdf={**{p: "" for p in DOCS}, pdf_path: "EOF marker not found"},
                                 video={video_path: "无法解码：文件损坏、不完整或不是视频"}))
    assert findings(report) == [(USABILITY, "pdf", pdf_path), (USABILITY, "video", video_path)]
    assert "EOF marker not found" in report.findings[0].message
    other = {**DOCS, "data/文书/说明.docx": b"PK\x03\x04 word"}
    report = pc.evaluate(package(bag(other, metadata(DOCS, {})), video={}))
    assert (USABILITY, "format", "data/文书/说明.docx") in findings(report)


def test_metadata_that_does_not_match_its_files_fails_authenticity():
    meta = metadata(DOCS, VIDEOS)
    meta["recordings"][0]["source"]["hash"] = "f" * 64          # the registered hash is another file's
    meta["documents"][1]["sha256"] = "e" * 64
    report = pc.evaluate(package(bag({**DOCS, **VIDEOS}, meta)))
    assert findings(report) == [(AUTHENTICITY, "metadata_content", f"{pc.DOCUMENTS}02_立案审批表.pdf"),
                                (AUTHENTICITY, "metadata_content", next(iter(VIDEOS)))]
    undescribed = {**DOCS, "data/文书/04_补充.pdf": PDF + b"4"}
    report = pc.evaluate(package(bag(undescribed, metadata(DOCS, {})), video={}))
    assert (AUTHENTICITY, "metadata_content", "data/文书/04_补充.pdf") in findings(report)


def test_unreadable_metadata_is_a_usability_failure_and_its_checks_are_not_run():
    files = bag({**DOCS, **VIDEOS})
    files[pc.METADATA] = b"{not json"
    files = bag({p: d for p, d in files.items() if p.startswith(pc.PAYLOAD)})
    report = pc.evaluate(package(files))
    assert findings(report) == [(USABILITY, "metadata", pc.METADATA)]
    assert "不是有效的 JSON" in report.findings[0].message
    assert {c.code: c.status for c in report.checks}["numbering"] == SKIP


def test_every_row_the_audit_trail_mentions_is_in_the_package_or_said_why_not():
    meta = metadata(DOCS, VIDEOS)
    meta["audit_trail"].append(ref(70, "text_record#9", "record.save"))
    report = pc.evaluate(package(bag({**DOCS, **VIDEOS}, meta)))
    assert findings(report) == [(INTEGRITY, "trail", pc.METADATA)]
    assert "text_record#9" in report.findings[0].message
    meta["omitted"] = [{"record": "text_record#9", "reason": "草稿"}]
    assert pc.evaluate(package(bag({**DOCS, **VIDEOS}, meta))).ok


def _live(meta: dict) -> LiveRecords:
    entries = {r["seq"]: (r["entry_hash"], r["entity"]) for r in meta["audit_trail"]}
    registered = {i["source"]["entity"]: i["source"]["hash"] for i in meta["documents"] + meta["recordings"]}
    return LiveRecords(entries, registered)


def test_audit_references_are_checked_against_the_live_database():
    meta = metadata(DOCS, VIDEOS)
    live = _live(meta)
    report = pc.evaluate(package(bag({**DOCS, **VIDEOS}, meta), live=live))
    assert report.ok and {c.code: c.status for c in report.checks}["audit"] == PASS
    entries = dict(live.entries)
    del entries[11]
    entries[12] = ("0" * 64, entries[12][1])
    registered = {**live.registered, "av_record#1": "d" * 64}
    report = pc.evaluate(package(bag({**DOCS, **VIDEOS}, meta), live=LiveRecords(entries, registered)))
    messages = [(f.path, f.message) for f in report.findings]
    assert all(f.category == AUTHENTICITY and f.check == "audit" for f in report.findings)
    assert any("#11" in m and "不存在" in m for _, m in messages)
    assert any("#12" in m and "哈希与数据库不符" in m for _, m in messages)
    assert any(p == next(iter(VIDEOS)) and "av_record#1" in m for p, m in messages)


def test_references_tell_the_service_what_to_look_up():
    files = good()
    seqs, sources, number = pc.references(files[pc.METADATA])
    assert seqs == {1, 11, 12, 13, 51} and number == "灵行审罚〔2026〕1号"
    assert sources == {"text_record_revision#1", "text_record_revision#2", "text_record_revision#3", "av_record#1"}
    assert pc.references(b"{}") == (set(), set(), "") and pc.references(None) == (set(), set(), "")


def test_a_missing_manifest_and_a_wrong_declaration_fail_integrity():
    files = good()
    del files[pc.MANIFEST]
    files[pc.BAGIT] = b"BagIt-Version: 0.9\n"
    report = pc.evaluate(package(files))
    assert (INTEGRITY, "listed", pc.MANIFEST) in findings(report)
    assert (INTEGRITY, "declaration", pc.BAGIT) in findings(report)
    assert {c.code: c.status for c in report.checks}["payload_hash"] == SKIP
    assert not findings(report, "stray")           # without a manifest nothing in data/ can be called stray


def test_joliet_and_rock_ridge_trees_must_agree_on_a_disc():
    report = pc.evaluate(package(good(), namespaces=()))
    assert {c.code: c.status for c in report.checks}["namespaces"] == PASS
    report = pc.evaluate(package(good(), namespaces=("data/音像/执法仪01_0001.MP4",)))
    assert findings(report) == [(INTEGRITY, "namespaces", "data/音像/执法仪01_0001.MP4")]
    assert [c.status for c in report.checks if c.code == "namespaces"] == [FAIL]


def test_names_fit_every_medium_and_manifest_paths_round_trip():
    long = "行政处罚决定书" * 20 + ".pdf"
    fitted = pc.fit_name(long)
    assert fitted.endswith(".pdf") and len(fitted.encode("utf-8")) <= pc.NAME_LIMIT == 64
    assert pc.fit_name("短.MP4") == "短.MP4"
    assert pc.document_name(3, 9, "询问笔录") == "03_询问笔录.pdf"
    assert pc.document_name(7, 120, "询问笔录") == "007_询问笔录.pdf"
    assert pc.document_number("12_x.pdf") == 12 and pc.document_number("x.pdf") is None
    odd = "data/文书/100%\n完成.pdf"
    assert pc.decode_path(pc.encode_path(odd)) == odd and "\n" not in pc.encode_path(odd)
    parsed, problems = pc.parse_manifest(pc.manifest_text([(odd, "A" * 64)]) + "garbage line\n")
    assert parsed == {odd: "a" * 64} and problems == ["第 2 行格式不对（应为“SHA-256 值 + 空格 + 路径”）"]
    assert pc.parse_bag_info("A: 1\n  more\nB: x: y\n") == {"A": "1 more", "B": "x: y"}


def test_a_finding_reads_as_category_file_and_problem():
    f = pc.Finding(AUTHENTICITY, "payload_hash", "data/a.pdf", "已被改动")
    assert str(f) == "[真实性] data/a.pdf：已被改动"
    assert f.as_dict()["label"] == "每个文件的 SHA-256 与清单一致"
    assert AuditRef(1, "x").entity == ""
