"""Text the database can keep.

PostgreSQL refuses the NUL character (U+0000) in text, and no database can store a lone surrogate
(half of a UTF-16 pair, left over from a broken paste or a hand-made import file): it is not
UTF-8 at all. Both are refused where text enters, on SQLite too, so a record kept on one backend
can always move to the other.
"""
from __future__ import annotations

import re
from typing import Any

UNSTORABLE = "含有不能保存的字符（如空字符），请删除后重试"

_REFUSED = re.compile("[\x00\ud800-\udfff]")


def is_storable(value: Any) -> bool:
    """Whether ``value`` — text, or lists and mappings holding text (a form's values) — can be
    saved as it is."""
    stack = [value]
    while stack:    # a loop, not recursion: an imported document may be nested very deep
        item = stack.pop()
        if isinstance(item, str):
            if _REFUSED.search(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return True
