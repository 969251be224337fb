"""docs/traceability.md is what packaging/traceability.py makes of the profiles, forms and compliance
checks today: a rule, form or test that cites a seed article changes the table, and a stale table fails
here (regenerate with `.venv/bin/python packaging/traceability.py`)."""
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tool():
    spec = importlib.util.spec_from_file_location("traceability", ROOT / "packaging" / "traceability.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_table_is_the_generated_one():
    assert (ROOT / "docs" / "traceability.md").read_text(encoding="utf-8") == _tool().render()


def test_each_row_names_the_article_what_encodes_it_and_the_tests_that_cite_it():
    rows = {line.split(" | ")[0].lstrip("| "): line for line in _tool().render().splitlines()
            if line.startswith("| seed ")}
    assert "规则配置 `lingshou-approval`：`filming.source`" in rows["seed 000 Art. 21"]
    assert "`tests/ui/test_spot_check_filming_items.py`" in rows["seed 004 Art. 16"]
    assert "规则配置 `fushun-hrss`：`filming.source` (三)" in rows["seed 001 Art. 12"]
