"""The chain check as a pure function."""
from jlclient.domain.audit import GENESIS, canonical_json, check_chain, content_hash, entry_hash


def _chain(n):
    rows, prev = [], GENESIS
    for seq in range(1, n + 1):
        fields = (seq, f"2026-01-01T00:00:{seq:02d}", "user:a", "x", "t", str(seq), "h" * 64, "{}", prev)
        digest = entry_hash(*fields)
        rows.append(fields + (digest,))
        prev = digest
    return rows, (n, prev)


def test_intact_chain():
    rows, head = _chain(5)
    assert check_chain(rows, head) == (5, None)


def test_edit_breaks_own_hash():
    rows, head = _chain(5)
    rows[2] = rows[2][:2] + ("user:b",) + rows[2][3:]
    count, problem = check_chain(rows, head)
    assert (count, problem.seq) == (2, 3)


def test_gap_and_truncation():
    rows, head = _chain(5)
    assert check_chain(rows[:2] + rows[3:], head)[1].seq == 3
    assert check_chain(rows[:4], head)[1] is not None


def test_canonical_json_is_order_independent():
    assert canonical_json({"b": 1, "a": "中"}) == '{"a":"中","b":1}'
    assert content_hash({"b": 1, "a": 2}) == content_hash({"a": 2, "b": 1})
