"""四性检测 of an exported package of a case (in the manner of DA/T 70 for electronic records handed
to an archive): its authenticity (真实性), integrity (完整性), usability (可用性) and security (安全性).

Pure rules over what a reader found in the package — every file's path, size, SHA-256 and first
bytes, the tag files and the metadata as bytes, the parse and probe results of its PDFs and videos,
and (optionally) what the live database holds for the audit entries the package cites. The readers
(a BagIt folder, an ISO image) and the parsers live in services.package_check; nothing here reads a
file. Every finding names its category, the check and the file it concerns.

The package is a BagIt bag (RFC 8493) laid out as services.export writes it:

    bagit.txt  bag-info.txt  manifest-sha256.txt  tagmanifest-sha256.txt
    data/文书/01_<题名>.pdf …          each finished text record, numbered 01, 02, … without gaps
    data/音像/<camera file names>      the footage
    data/电子数据/<file names>         the case's other electronic files (snapshots, scans)
    data/视听资料制作说明.pdf           the written note (when there is footage)
    data/未导出说明.txt                what was left out and why (when anything was)
    data/metadata/case.json            ``FORMAT``: the case, every file with its SHA-256, the row it
                                       came from and the audit entries (seq + entry_hash) behind it
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

AUTHENTICITY, INTEGRITY, USABILITY, SECURITY = "真实性", "完整性", "可用性", "安全性"
CATEGORIES = (AUTHENTICITY, INTEGRITY, USABILITY, SECURITY)
PASS, FAIL, SKIP = "通过", "不通过", "未检测"

FORMAT = "jlclient.package/1"
BAGIT = "bagit.txt"
BAG_INFO = "bag-info.txt"
MANIFEST = "manifest-sha256.txt"
TAGMANIFEST = "tagmanifest-sha256.txt"
PAYLOAD = "data/"
DOCUMENTS = "data/文书/"
FOOTAGE = "data/音像/"
METADATA = "data/metadata/case.json"
NOTE = "data/视听资料制作说明.pdf"
TEXT_KEPT = (BAGIT, BAG_INFO, MANIFEST, TAGMANIFEST, METADATA)   # what a reader hands over as bytes

NAME_LIMIT = 64        # bytes of UTF-8 (21 Chinese characters): within Joliet's 64 characters as ISO writers
                       # count them, Rock Ridge's and every file system's 255 bytes: one name on every medium
HEAD_BYTES = 8         # what a reader keeps of each file for the magic numbers

# the formats an archive takes (GB/T 18894, DA/T 70 practice): documents as PDF/OFD, footage in
# the containers body cameras write, photos, and the package's own metadata
PDF_TYPES = (".pdf",)
VIDEO_TYPES = (".mp4", ".mov", ".avi", ".mkv", ".ts", ".mts", ".m4v", ".3gp")
AUDIO_TYPES = (".wav", ".mp3", ".aac", ".m4a", ".amr")
IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
ALLOWED_TYPES = PDF_TYPES + (".ofd",) + VIDEO_TYPES + AUDIO_TYPES + IMAGE_TYPES + (".json", ".xml", ".txt")

# programs and scripts, by name: Windows, the Unix shells, interpreters, packages and autorun files
EXECUTABLE_TYPES = frozenset((
    ".exe", ".com", ".bat", ".cmd", ".scr", ".pif", ".msi", ".msp", ".dll", ".sys", ".cpl", ".ps1", ".psm1",
    ".vbs", ".vbe", ".js", ".jse", ".wsf", ".wsh", ".hta", ".lnk", ".inf", ".reg", ".sh", ".bash", ".zsh",
    ".csh", ".py", ".pyw", ".pl", ".rb", ".php", ".jar", ".app", ".apk", ".deb", ".rpm", ".run", ".bin",
    ".so", ".dylib", ".desktop", ".command", ".appimage"))
# and by content: PE (MZ), ELF, Mach-O and Java class files, scripts with a #! line
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe",
                    b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe")

# the checks, in report order: code -> (category, what is checked)
CHECKS: dict[str, tuple[str, str]] = {
    "payload_hash": (AUTHENTICITY, "每个文件的 SHA-256 与清单一致"),
    "tag_hash": (AUTHENTICITY, "标签文件的 SHA-256 与标签清单一致"),
    "metadata_content": (AUTHENTICITY, "元数据与文件内容一致"),
    "audit": (AUTHENTICITY, "审计记录引用与数据库一致"),
    "declaration": (INTEGRITY, "BagIt 声明和包信息完整"),
    "listed": (INTEGRITY, "清单和元数据所列文件齐全"),
    "oxum": (INTEGRITY, "Payload-Oxum 与实际内容一致"),
    "numbering": (INTEGRITY, "文书编号连续"),
    "trail": (INTEGRITY, "审计记录提及的记录均在包内"),
    "namespaces": (INTEGRITY, "光盘 Joliet 与 Rock Ridge 目录一致"),
    "metadata": (USABILITY, "元数据可读、格式正确"),
    "pdf": (USABILITY, "每个 PDF 可以解析"),
    "video": (USABILITY, "每个视频可以读取"),
    "format": (USABILITY, "文件格式在允许范围内"),
    "stray": (SECURITY, "没有清单以外的文件"),
    "executable": (SECURITY, "没有可执行文件或脚本"),
    "special": (SECURITY, "没有符号链接或特殊文件"),
    "paths": (SECURITY, "清单中的路径安全"),
}
REQUIRED_BY_TRAIL = ("text_record", "av_record")     # rows of these kinds must be in the package (or omitted, why)


# --- names ------------------------------------------------------------------------------------------

def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def fit_name(name: str, limit: int = NAME_LIMIT) -> str:
    """``name`` shortened (its extension kept) to at most ``limit`` bytes of UTF-8, so it is the
    same name in a folder, in ISO 9660 Joliet and Rock Ridge and in the manifest."""
    if _size(name) <= limit:
        return name
    stem, dot, ext = name.rpartition(".")
    if not stem or _size(dot + ext) > 12:
        stem, dot, ext = name, "", ""
    while stem and _size(stem + dot + ext) > limit:
        stem = stem[:-1]
    return stem.rstrip(" .") + dot + ext


def document_name(no: int, count: int, title: str) -> str:
    """``01_行政处罚决定书.pdf``: the number (two digits, more when there are more documents) and
    the title (already safe as a file name)."""
    width = max(2, len(str(count)))
    return fit_name(f"{no:0{width}d}_{title or '文书'}.pdf")


_NUMBERED = re.compile(r"^(\d+)_")


def document_number(name: str) -> int | None:
    found = _NUMBERED.match(name)
    return int(found.group(1)) if found else None


def encode_path(path: str) -> str:
    """A path as a BagIt manifest line holds it (RFC 8493 §2.1.3: CR, LF and % percent-encoded)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_path(text: str) -> str:
    return re.sub(r"%(0[dDaA]|25)", lambda m: {"0d": "\r", "0a": "\n", "25": "%"}[m.group(1).lower()], text)


def manifest_text(lines: Iterable[tuple[str, str]]) -> str:
    """``<sha256>  <path>`` per file, sorted by path (what bagit and sha256sum write)."""
    return "".join(f"{digest}  {encode_path(path)}\n" for path, digest in sorted(lines))


def payload_oxum(sizes: Iterable[int]) -> str:
    sizes = list(sizes)
    return f"{sum(sizes)}.{len(sizes)}"


def suffix(path: str) -> str:
    name = path.rsplit("/", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def is_pdf(path: str) -> bool:
    return suffix(path) in PDF_TYPES


def is_video(path: str) -> bool:
    return suffix(path) in VIDEO_TYPES


def entity(kind: str, row_id: Any) -> str:
    """How the package names a database row: ``text_record#12``."""
    return f"{kind}#{row_id}"


# --- what a reader found ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One file of the package as its reader found it."""
    path: str                 # relative, "/"-separated (a bag's root or the image's root)
    size: int
    sha256: str = ""          # "" when it was not read (special, or ``problem``)
    head: bytes = b""         # the first HEAD_BYTES bytes
    special: str = ""         # "符号链接", "设备文件" …: never followed or read
    problem: str = ""         # reading failed: why


@dataclass(frozen=True)
class AuditRef:
    seq: int
    entry_hash: str
    entity: str = ""
    action: str = ""


@dataclass(frozen=True)
class LiveRecords:
    """What the live database holds for the references the package makes (looked up by the service)."""
    entries: Mapping[int, tuple[str, str]]      # seq -> (entry_hash, entity)
    registered: Mapping[str, str]               # entity -> the hash registered for it (file or content)


@dataclass(frozen=True)
class Package:
    source: str                                 # the folder or image checked, as the user named it
    kind: str                                   # "bag" | "iso"
    entries: tuple[Entry, ...]
    texts: Mapping[str, bytes]                  # the TEXT_KEPT files that were there
    pdf: Mapping[str, str] = field(default_factory=dict)     # path -> "" parsed, else why not
    video: Mapping[str, str] = field(default_factory=dict)   # path -> "" probed, else why not
    live: LiveRecords | None = None             # None: not checked against a database …
    live_note: str = "未与数据库核对（没有提供数据库）"      # … and why
    namespaces: tuple[str, ...] | None = None   # ISO: where Joliet and Rock Ridge differ; None: a folder
    checked_at: str = ""


# --- the report -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    category: str
    check: str
    path: str                 # the file or item concerned; "" for the package as a whole
    message: str

    def __str__(self) -> str:
        return f"[{self.category}] {self.path}：{self.message}" if self.path else f"[{self.category}] {self.message}"

    def as_dict(self) -> dict:
        return {"category": self.category, "check": self.check, "label": CHECKS[self.check][1], "path": self.path,
                "message": self.message}


@dataclass(frozen=True)
class CheckResult:
    code: str
    category: str
    label: str
    status: str               # PASS / FAIL / SKIP
    note: str = ""            # why skipped; how many found

    def as_dict(self) -> dict:
        return {"code": self.code, "category": self.category, "label": self.label, "status": self.status,
                "note": self.note}


@dataclass(frozen=True)
class Report:
    source: str
    kind: str
    checked_at: str
    case_number: str
    archive_number: str
    files: int
    bytes: int
    checks: tuple[CheckResult, ...]
    findings: tuple[Finding, ...]

    @property
    def ok(self) -> bool:
        return not self.findings

    def category_status(self, category: str) -> str:
        results = [c for c in self.checks if c.category == category]
        if any(c.status == FAIL for c in results):
            return FAIL
        return PASS if any(c.status == PASS for c in results) else SKIP

    @property
    def failed_categories(self) -> tuple[str, ...]:
        return tuple(c for c in CATEGORIES if self.category_status(c) == FAIL)

    def headline(self) -> str:
        if self.ok:
            skipped = [c.label for c in self.checks if c.status == SKIP and c.code != "namespaces"]
            extra = f"（未检测：{'；'.join(skipped)}）" if skipped else ""
            return f"四性检测通过：{self.files} 个文件全部通过真实性、完整性、可用性、安全性检测{extra}"
        counts = "、".join(f"{c} {sum(1 for f in self.findings if f.category == c)} 项" for c in self.failed_categories)
        return f"四性检测未通过：{counts}"

    def as_dict(self) -> dict:
        return {"format": "jlclient.package-check/1", "package": self.source, "kind": self.kind,
                "checked_at": self.checked_at, "case_number": self.case_number,
                "archive_number": self.archive_number, "ok": self.ok, "files": self.files, "bytes": self.bytes,
                "categories": {c: self.category_status(c) for c in CATEGORIES},
                "headline": self.headline(),
                "checks": [c.as_dict() for c in self.checks], "findings": [f.as_dict() for f in self.findings]}


# --- parsing the tag files --------------------------------------------------------------------------

_LINE = re.compile(r"^([0-9A-Fa-f]{64})[ \t]+(.+)$")


def _text(raw: bytes | None) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def parse_manifest(text: str) -> tuple[dict[str, str], list[str]]:
    """{path: sha256} of a manifest, and what is wrong with its lines."""
    out: dict[str, str] = {}
    problems = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        found = _LINE.match(line)
        if found is None:
            problems.append(f"第 {n} 行格式不对（应为“SHA-256 值 + 空格 + 路径”）")
            continue
        path = decode_path(found.group(2))
        if path in out:
            problems.append(f"第 {n} 行重复列出 {path}")
        out[path] = found.group(1).lower()
    return out, problems


def parse_bag_info(text: str) -> dict[str, str]:
    """Labels and values of bag-info.txt (continuation lines start with white space); the first
    value of a repeated label."""
    out: dict[str, str] = {}
    label = None
    for line in text.splitlines():
        if line[:1] in (" ", "\t") and label:
            out[label] += " " + line.strip()
        elif ":" in line:
            label, value = (part.strip() for part in line.split(":", 1))
            out.setdefault(label, value)
    return out


def _short(digest: str) -> str:
    """A hash as a message shows it: its first 16 hex digits (the report's JSON keeps the files)."""
    return f"{digest[:16]}…" if len(digest) > 16 else digest


def _safe_path(path: str) -> bool:
    parts = path.split("/")
    return (bool(path) and not path.startswith("/") and "\\" not in path and "\x00" not in path
            and all(p not in ("", ".", "..") for p in parts) and not re.match(r"^[A-Za-z]:", path))


# --- the metadata -----------------------------------------------------------------------------------

class _Bad(ValueError):
    pass


def _need(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _Bad(f"{where} 缺少 {key}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Bad(f"{where}.{key} 的类型不对")
    return value


def _refs(values: Any, where: str) -> list[AuditRef]:
    if not isinstance(values, list):
        raise _Bad(f"{where} 应为数组")
    return [AuditRef(_need(v, "seq", int, f"{where}[{i}]"), _need(v, "entry_hash", str, f"{where}[{i}]"),
                     str(v.get("entity", "")), str(v.get("action", ""))) for i, v in enumerate(values)]


@dataclass(frozen=True)
class _Item:
    kind: str                 # documents / recordings / notes
    path: str
    sha256: str
    size: int
    no: int | None = None
    record: str = ""          # the row the item stands for (text_record#12, av_record#5)
    source: str = ""          # the row whose registered hash vouches for it
    source_hash: str = ""
    audit: tuple[AuditRef, ...] = ()


@dataclass(frozen=True)
class Metadata:
    case_number: str
    archive_number: str
    items: tuple[_Item, ...]
    trail: tuple[AuditRef, ...]
    omitted: frozenset[str]


def parse_metadata(raw: bytes) -> Metadata:
    """The package's case.json; ValueError (Chinese) when it is not what services.export writes."""
    text = _text(raw)
    if text is None:
        raise ValueError("不是 UTF-8 文本")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from None
    try:
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise _Bad(f"格式标识应为 {FORMAT}")
        case = _need(doc, "case", dict, "元数据")
        number = _need(case, "number", str, "case")
        volume = doc.get("volume") or {}
        archive = str(volume.get("archive_number", "")) if isinstance(volume, dict) else ""
        items = []
        for kind in ("documents", "recordings", "notes", "electronic_records"):
            # an electronic record is a file of its own when it has a source (a document's print is the document)
            listed = _need(doc, kind, list, "元数据") if kind != "electronic_records" else \
                [v for v in doc.get(kind) or [] if isinstance(v, dict) and v.get("in_package") and v.get("source")]
            for i, v in enumerate(listed):
                where = f"{kind}[{i}]"
                source = v.get("source") or {}
                if not isinstance(source, dict):
                    raise _Bad(f"{where}.source 应为对象")
                items.append(_Item(kind, _need(v, "path", str, where), _need(v, "sha256", str, where).lower(),
                                   _need(v, "size", int, where),
                                   _need(v, "no", int, where) if kind == "documents" else None,
                                   str(v.get("record", "")), str(source.get("entity", "")),
                                   str(source.get("hash", "")).lower(), tuple(_refs(v.get("audit", []), where))))
        trail = _refs(_need(doc, "audit_trail", list, "元数据"), "audit_trail")
        omitted = frozenset(str(_need(v, "record", str, f"omitted[{i}]"))
                            for i, v in enumerate(doc.get("omitted", [])))
    except _Bad as exc:
        raise ValueError(f"内容不符合 {FORMAT}：{exc}") from None
    return Metadata(number, archive, tuple(items), tuple(trail), omitted)


def references(raw: bytes | None) -> tuple[set[int], set[str], str]:
    """The audit entries (seq) and rows (entity) the metadata cites, and its case number — what a
    service looks up in the live database. Empty when the metadata does not parse."""
    try:
        meta = parse_metadata(raw) if raw is not None else None
    except ValueError:
        meta = None
    if meta is None:
        return set(), set(), ""
    seqs = {r.seq for r in meta.trail} | {r.seq for item in meta.items for r in item.audit}
    return seqs, {item.source for item in meta.items if item.source}, meta.case_number


# --- the rules --------------------------------------------------------------------------------------

class _Run:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.by_path = {e.path: e for e in pkg.entries}
        self.findings: list[Finding] = []
        self.skipped: dict[str, str] = {}
        self.notes: dict[str, str] = {}

    def add(self, check: str, path: str, message: str) -> None:
        self.findings.append(Finding(CHECKS[check][0], check, path, message))

    def skip(self, check: str, why: str) -> None:
        self.skipped.setdefault(check, why)

    def text(self, path: str) -> str | None:
        return _text(self.pkg.texts.get(path))


def _declaration(run: _Run) -> dict[str, str]:
    bagit = run.text(BAGIT)
    if BAGIT not in run.by_path:
        run.add("declaration", BAGIT, "缺少 BagIt 声明文件：不是完整的 BagIt 包")
    elif bagit is None:
        run.add("declaration", BAGIT, "不是 UTF-8 文本")
    else:
        info = parse_bag_info(bagit)
        if info.get("BagIt-Version") not in ("1.0", "0.97"):
            run.add("declaration", BAGIT, f"BagIt-Version 应为 1.0，文件中是“{info.get('BagIt-Version', '')}”")
        if info.get("Tag-File-Character-Encoding", "").upper() != "UTF-8":
            run.add("declaration", BAGIT, "Tag-File-Character-Encoding 应为 UTF-8")
    info_text = run.text(BAG_INFO)
    if BAG_INFO not in run.by_path:
        run.add("declaration", BAG_INFO, "缺少包信息文件")
        return {}
    if info_text is None:
        run.add("declaration", BAG_INFO, "不是 UTF-8 文本")
        return {}
    info = parse_bag_info(info_text)
    for label in ("Source-Organization", "External-Identifier", "Bagging-Date", "Payload-Oxum"):
        if not info.get(label):
            run.add("declaration", BAG_INFO, f"缺少 {label}")
    return info


def _manifest(run: _Run, name: str, payload: bool) -> dict[str, str] | None:
    if name not in run.by_path:
        run.add("listed", name, "缺少清单文件：无法核对" + ("包内文件" if payload else "标签文件"))
        return None
    text = run.text(name)
    if text is None:
        run.add("listed", name, "清单不是 UTF-8 文本，无法读取")
        return None
    listed, problems = parse_manifest(text)
    for p in problems:
        run.add("listed", name, p)
    for path in listed:
        if not _safe_path(path) or payload != path.startswith(PAYLOAD) or (not payload and path == TAGMANIFEST):
            run.add("paths", name, f"清单中的路径“{path}”不安全或不在应有的位置（可能试图写到包外）")
    return {p: h for p, h in listed.items() if _safe_path(p)}


def _hashes(run: _Run, listed: dict[str, str], check: str, what: str) -> None:
    for path, digest in sorted(listed.items()):
        entry = run.by_path.get(path)
        if entry is None:
            run.add("listed", path, f"{what}中列出的文件缺失（已被删除或未复制）")
        elif entry.problem:
            run.add("listed", path, f"无法读取：{entry.problem}")
        elif entry.sha256 and entry.sha256 != digest:
            run.add(check, path, f"内容与{what}中的 SHA-256 不符（已被改动）：{what} {_short(digest)}，"
                                 f"实为 {_short(entry.sha256)}")


def _stray(run: _Run, payload: dict[str, str] | None, tags: dict[str, str] | None) -> None:
    known = set(payload or ()) | set(tags or ()) | {TAGMANIFEST, MANIFEST, BAGIT, BAG_INFO}
    for e in sorted(run.pkg.entries, key=lambda e: e.path):
        if e.path in known:
            continue
        if e.path.startswith(PAYLOAD) and payload is None:
            continue            # no manifest to tell: its absence is the finding
        if not e.path.startswith(PAYLOAD) and tags is None and e.path.endswith(".txt"):
            continue
        run.add("stray", e.path, "清单以外的文件（不属于导出包，可能是后来放入的）")
    if payload is None:
        run.skip("stray", "缺少 manifest-sha256.txt，无法判断 data/ 中的文件是否属于包")


def _security(run: _Run) -> None:
    for e in sorted(run.pkg.entries, key=lambda e: e.path):
        if e.special:
            run.add("special", e.path, f"{e.special}：包内只应有普通文件（未跟随、未读取）")
            continue
        by_name = suffix(e.path) in EXECUTABLE_TYPES
        by_content = any(e.head.startswith(m) for m in EXECUTABLE_MAGIC)
        if by_name or by_content:
            how = "文件类型" if by_name else "文件内容（可执行程序或脚本的文件头）"
            run.add("executable", e.path, f"可执行文件或脚本（按{how}判断），不应出现在档案包中")
    # The file system's executable bit is not used: a bag on a FAT or NTFS stick shows every file as
    # executable, and the content and the name are what a reader's system acts on.


def _usability(run: _Run) -> None:
    for e in sorted(run.pkg.entries, key=lambda e: e.path):
        if e.path.startswith(PAYLOAD) and not e.special and suffix(e.path) not in ALLOWED_TYPES:
            run.add("format", e.path, f"文件格式“{suffix(e.path) or '无扩展名'}”不在允许的归档格式范围内"
                                      "（文书 PDF/OFD、音视频、图片、JSON/XML/TXT）")
    for path, why in sorted(run.pkg.pdf.items()):
        if why:
            run.add("pdf", path, f"PDF 无法解析：{why}")
    if not run.pkg.pdf:
        run.skip("pdf", "包内没有 PDF")
    for path, why in sorted(run.pkg.video.items()):
        if why:
            run.add("video", path, f"视频无法读取：{why}")
    if not run.pkg.video:
        run.skip("video", "包内没有视频")


def _oxum(run: _Run, info: dict[str, str]) -> None:
    stated = info.get("Payload-Oxum", "")
    if not stated:
        run.skip("oxum", "包信息中没有 Payload-Oxum")
        return
    actual = payload_oxum(e.size for e in run.pkg.entries if e.path.startswith(PAYLOAD))
    if stated != actual:
        octets, _, count = stated.partition(".")
        real_octets, _, real_count = actual.partition(".")
        run.add("oxum", BAG_INFO, f"Payload-Oxum 记载 {octets} 字节 {count} 个文件，实际为 {real_octets} 字节 "
                                  f"{real_count} 个文件")


def _metadata(run: _Run, payload: dict[str, str] | None) -> Metadata | None:
    raw = run.pkg.texts.get(METADATA)
    if raw is None:
        if METADATA not in (payload or {}):      # a listed one that is gone is named by "listed"
            run.add("metadata", METADATA, "缺少元数据文件")
        for code in ("metadata_content", "numbering", "trail"):
            run.skip(code, "元数据缺失或无法读取")
        return None
    try:
        meta = parse_metadata(raw)
    except ValueError as exc:
        run.add("metadata", METADATA, f"元数据无法使用：{exc}")
        for code in ("metadata_content", "numbering", "trail"):
            run.skip(code, "元数据无法读取")
        return None
    described = set()
    for item in meta.items:
        described.add(item.path)
        entry = run.by_path.get(item.path)
        if entry is None:
            if item.path not in (payload or {}):      # else named once, as a file of the manifest
                run.add("listed", item.path, "元数据中登记的文件缺失")
            continue
        if entry.sha256 and entry.sha256 != item.sha256:
            run.add("metadata_content", item.path, f"元数据登记的 SHA-256 与文件内容不符：登记 {_short(item.sha256)}，"
                                                   f"实为 {_short(entry.sha256)}")
        elif entry.size != item.size:
            run.add("metadata_content", item.path, f"元数据登记的大小 {item.size} 字节与文件 {entry.size} 字节不符")
        if item.kind in ("recordings", "electronic_records") and item.source_hash and item.source_hash != item.sha256:
            run.add("metadata_content", item.path, f"元数据中的 SHA-256 与其来源记录 {item.source} 登记的 "
                                                   f"{_short(item.source_hash)} 不符")
    for e in sorted(run.pkg.entries, key=lambda e: e.path):
        if e.path.startswith(PAYLOAD) and e.path != METADATA and e.path not in described and \
                (payload is None or e.path in payload):
            run.add("metadata_content", e.path, "文件未在元数据中登记（来历不明）")
    return meta


def _numbering(run: _Run, meta: Metadata) -> None:
    docs = [i for i in meta.items if i.kind == "documents"]
    present = {}
    for e in run.pkg.entries:
        if e.path.startswith(DOCUMENTS) and "/" not in e.path[len(DOCUMENTS):]:
            no = document_number(e.path[len(DOCUMENTS):])
            if no is None:
                run.add("numbering", e.path, "文书文件名没有编号（应为“序号_题名.pdf”）")
            elif no in present:
                run.add("numbering", e.path, f"文书编号 {no} 重复（另见 {present[no]}）")
            else:
                present[no] = e.path
    last = max([len(docs), *present])
    width = max(2, len(str(last)))
    for no in range(1, last + 1):
        if no not in present:
            wanted = next((i.path for i in docs if i.no == no), "")
            run.add("numbering", wanted or DOCUMENTS, f"文书编号不连续：缺少第 {no:0{width}d} 号")
    numbers = sorted(i.no for i in docs if i.no is not None)
    if numbers != list(range(1, len(docs) + 1)):
        run.add("numbering", METADATA, f"元数据中的文书编号不连续：{numbers}")
    for item in docs:
        name = item.path[len(DOCUMENTS):] if item.path.startswith(DOCUMENTS) else item.path
        if document_number(name) != item.no:
            run.add("numbering", item.path, f"文件名的编号与元数据中的第 {item.no} 号不一致")


def _trail(run: _Run, meta: Metadata) -> None:
    present = {i.record for i in meta.items if i.record} | {i.source for i in meta.items if i.source}
    seen = set()
    for ref in meta.trail:
        kind = ref.entity.partition("#")[0]
        if kind in REQUIRED_BY_TRAIL and ref.entity not in present and ref.entity not in meta.omitted \
                and ref.entity not in seen:
            seen.add(ref.entity)
            run.add("trail", METADATA, f"审计记录 #{ref.seq}（{ref.action}）提及的 {ref.entity} 不在包中，"
                                       "也没有说明为何未导出")


def _audit(run: _Run, meta: Metadata | None) -> None:
    live = run.pkg.live
    if live is None:
        run.skip("audit", run.pkg.live_note)
        return
    if meta is None:
        run.skip("audit", "元数据无法读取，没有可核对的审计记录")
        return
    refs = {r.seq: r for r in meta.trail}
    for item in meta.items:
        for r in item.audit:
            known = refs.get(r.seq)
            if known is not None and known.entry_hash != r.entry_hash:
                run.add("audit", item.path, f"引用的审计记录 #{r.seq} 与元数据审计轨迹中的哈希不一致")
            refs.setdefault(r.seq, AuditRef(r.seq, r.entry_hash, r.entity or item.source, r.action))
    for seq, ref in sorted(refs.items()):
        found = live.entries.get(seq)
        if found is None:
            run.add("audit", METADATA, f"引用的审计记录 #{seq}（{ref.entity}）在数据库中不存在")
        elif found[0] != ref.entry_hash:
            run.add("audit", METADATA, f"审计记录 #{seq} 的哈希与数据库不符（包内 {_short(ref.entry_hash)}，"
                                       f"数据库 {_short(found[0])}）")
        elif ref.entity and found[1] != ref.entity:
            run.add("audit", METADATA, f"审计记录 #{seq} 在数据库中属于 {found[1]}，不是 {ref.entity}")
    for item in meta.items:
        if not item.source:
            continue
        registered = live.registered.get(item.source)
        if registered is None:
            run.add("audit", item.path, f"来源记录 {item.source} 在数据库中不存在")
        elif registered != item.source_hash:
            run.add("audit", item.path, f"来源记录 {item.source} 在数据库中登记的哈希 {_short(registered)} 与包内 "
                                        f"{_short(item.source_hash)} 不符")


def _namespaces(run: _Run) -> None:
    if run.pkg.namespaces is None:
        run.skip("namespaces", "不适用（文件夹中的包）")
        return
    for path in run.pkg.namespaces:
        run.add("namespaces", path, "只出现在光盘的一种目录中（Joliet 与 Rock Ridge 不一致，"
                                    "在 Windows 和 Linux 上看到的文件会不同）")


def evaluate(pkg: Package) -> Report:
    """Every check over ``pkg``; the report lists each check's result and every finding."""
    run = _Run(pkg)
    info = _declaration(run)
    payload = _manifest(run, MANIFEST, payload=True)
    tags = _manifest(run, TAGMANIFEST, payload=False)
    if payload is not None:
        _hashes(run, payload, "payload_hash", "清单")
    else:
        run.skip("payload_hash", "缺少 manifest-sha256.txt")
    if tags is not None:
        _hashes(run, tags, "tag_hash", "标签清单")
        for name in (BAGIT, BAG_INFO, MANIFEST):
            if name not in tags and name in run.by_path:
                run.add("listed", TAGMANIFEST, f"标签清单没有列出 {name}（其内容无从核对）")
    else:
        run.skip("tag_hash", "缺少 tagmanifest-sha256.txt")
    _stray(run, payload, tags)
    _security(run)
    _usability(run)
    _oxum(run, info)
    meta = _metadata(run, payload)
    if meta is not None:
        _numbering(run, meta)
        _trail(run, meta)
    _audit(run, meta)
    _namespaces(run)
    order = {code: i for i, code in enumerate(CHECKS)}
    findings = tuple(sorted(run.findings, key=lambda f: (CATEGORIES.index(f.category), order[f.check], f.path)))
    checks = []
    for code, (category, label) in CHECKS.items():
        found = sum(1 for f in findings if f.check == code)
        if found:
            checks.append(CheckResult(code, category, label, FAIL, f"{found} 项问题"))
        elif code in run.skipped:
            checks.append(CheckResult(code, category, label, SKIP, run.skipped[code]))
        else:
            checks.append(CheckResult(code, category, label, PASS))
    case_number = meta.case_number if meta else info.get("External-Identifier", "")
    archive = meta.archive_number if meta else info.get("Archive-Number", "")
    return Report(pkg.source, pkg.kind, pkg.checked_at, case_number, archive, len(pkg.entries),
                  sum(e.size for e in pkg.entries), tuple(checks), findings)
