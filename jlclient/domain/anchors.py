"""Checkpoints of the audit chain kept outside the database, as pure values and checks.

A checkpoint says "on this workstation, at this time, the chain's entry number ``seq`` had the hash
``hash``", signed with the workstation's key. Someone who can rewrite the database can re-hash the
chain so that it is whole again, but cannot make an entry that was checkpointed come back with the
same hash, nor sign a new checkpoint without the key: every change before the newest checkpoint
shows. Signing and reading files are the services' business; here are the values and the rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from jlclient.domain.audit import canonical_json

FORMAT = "jlclient-checkpoint/1"
ED25519 = "Ed25519"

# why a checkpoint was written
INTERVAL, DAY_END, ON_DEMAND, NEW_KEY = "interval", "day_end", "on_demand", "new_key"


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str            # UTC, ISO 8601 with a trailing Z
    workstation: str
    key_id: str
    kind: str = INTERVAL
    algorithm: str = ED25519
    # SHA-256 of the file of the key's previous checkpoint: the files form a chain, so checking the
    # signature of the newest vouches for every earlier one (verify stays fast) and a deleted file shows
    prev: str = ""
    signature: str = ""      # base64 of the signature over payload()

    def payload(self) -> bytes:
        """The bytes that are signed: every field but the signature, in one canonical text."""
        fields = {"format": FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at,
                  "workstation": self.workstation, "key_id": self.key_id, "kind": self.kind,
                  "algorithm": self.algorithm, "prev": self.prev}
        return canonical_json(fields).encode("utf-8")

    def as_dict(self) -> dict:
        return {"format": FORMAT, "seq": self.seq, "hash": self.hash, "at": self.at,
                "workstation": self.workstation, "key_id": self.key_id, "kind": self.kind,
                "algorithm": self.algorithm, "prev": self.prev, "signature": self.signature}

    @classmethod
    def from_dict(cls, d: dict) -> "Checkpoint":
        """Raises ValueError when the text is not a checkpoint of this format."""
        if not isinstance(d, dict) or d.get("format") != FORMAT:
            raise ValueError("不是本软件的检查点文件")
        try:
            cp = cls(seq=d["seq"], hash=d["hash"], at=d["at"], workstation=d["workstation"], key_id=d["key_id"],
                     kind=d["kind"], algorithm=d["algorithm"], prev=d["prev"], signature=d["signature"])
        except KeyError as exc:
            raise ValueError(f"检查点缺少字段 {exc.args[0]}") from None
        if (type(cp.seq) is not int or not 0 < cp.seq < 2 ** 63
                or not all(isinstance(v, str) for v in (cp.hash, cp.at, cp.workstation, cp.key_id, cp.kind,
                                                        cp.algorithm, cp.prev, cp.signature))):
            raise ValueError("检查点的字段类型不对")
        return cp

    def name(self, local_time: str) -> str:
        """How people read which checkpoint is meant: when (the agency's local time), which entry, where."""
        return f"检查点 {local_time}（第 {self.seq} 条审计记录，工作站 {self.workstation}）"


@dataclass(frozen=True)
class Break:
    """The first checkpoint the database no longer reaches, and what is gone after it."""
    checkpoint: Checkpoint
    what: str


def first_break(checkpoints: list[Checkpoint], head_seq: int, hash_at: dict[int, str]) -> Break | None:
    """Check checkpoints (signatures already checked) against a chain that is whole in itself.

    ``head_seq`` is the newest entry the database holds; ``hash_at`` maps the checkpoints' sequence
    numbers to the hashes the database holds for them. The lowest checkpoint that fails is named,
    with the span of entries that must have changed or gone.
    """
    ordered = sorted(checkpoints, key=lambda c: (c.seq, c.at))
    last_good = 0
    for cp in ordered:
        if cp.seq > head_seq:
            highest = ordered[-1].seq
            return Break(cp, f"数据库已达不到此检查点：审计链只到第 {head_seq} 条，第 {head_seq + 1}–{highest} 条"
                             f"审计记录（共 {highest - head_seq} 条）已不在数据库中（被删除，链尾被移回）")
        if hash_at.get(cp.seq) != cp.hash:
            return Break(cp, f"数据库中第 {cp.seq} 条审计记录与检查点不符：第 {last_good + 1}–{cp.seq} 条之间的"
                             f"记录被删除、插入、改动或重新计算了哈希（审计链被重写）")
        last_good = cp.seq
    return None
