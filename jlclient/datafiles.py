"""Reading a directory of declarative TOML files (rule profiles, legal forms), each parsed once."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Callable, Generic, TypeVar

from jlclient.domain.model import DataFileError

T = TypeVar("T")


class Catalogue(Generic[T]):
    def __init__(self, directory: Path, parse: Callable[[str, str], T], error: type[DataFileError],
                 key_pattern: str, noun: str):
        self.directory = directory
        self._parse = parse
        self._error = error
        self._key = re.compile(key_pattern)
        self._noun = noun
        self.load = lru_cache(maxsize=None)(self._load)  # shipped files do not change while we run

    def keys(self) -> list[str]:
        return sorted(path.stem for path in self.directory.glob("*.toml"))

    def all(self) -> list[T]:
        """Every file, sorted by key; a broken one raises the catalogue's error."""
        return [self.load(key) for key in self.keys()]

    def _load(self, key: str) -> T:
        path = self.directory / f"{key}.toml"
        if not self._key.fullmatch(key) or not path.is_file():
            listed = "、".join(self.keys()) or "（无）"
            raise self._error(f"{key}.toml", f"没有“{key}”这个{self._noun}；可用的有：{listed}")
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise self._error(path.name, "不是 UTF-8 编码的文本") from None
        return self._parse(text, path.name)
