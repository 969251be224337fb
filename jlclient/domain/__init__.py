"""Pure domain: no Qt, no SQL, no I/O (design guide §2)."""
