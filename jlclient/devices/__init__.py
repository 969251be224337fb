"""Body cameras: layouts, recognition, the simulator and the pull (copy, hash, verify, register)."""
