"""`jlclient ingest` on hostile cameras (issue 15, findings 6 and 8): an unknown or wild clock is
said in words (never +0 秒), a name cannot fake a line, links and pipes are named as passed over, and
the exit code tells complete (0), incomplete (1), refused (2) and internal error (3) apart."""
import os

import pytest

from jlclient.cli import main
from tests.devices.test_hostile_volumes import _camera
from tests.support.cli import signed_in


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("JL_HOME", str(tmp_path / "jl"))
    monkeypatch.delenv("JL_DATABASE_URL", raising=False)
    main(["init", "--demo"])
    return tmp_path / "jl"


def _ingest(home, *args):
    return main([*signed_in(home.parent, "officer"), "ingest", *map(str, args)])


def test_the_text_report_escapes_names_and_says_the_clock_is_invalid(home, tmp_path, capsys):
    camera = _camera(tmp_path / "cam", clips=1, clock="9999-12-31 23:59:59")
    media = camera / "DCIM" / "100MEDIA"
    (media / "a\n  新登记  b.MP4").write_bytes(b"n" * 3000)          # a name that tries to add a line
    os.symlink(tmp_path, media / "UP")
    os.mkfifo(media / "PIPE.MP4")
    capsys.readouterr()
    assert _ingest(home, camera) == 0
    out = capsys.readouterr().out.splitlines()
    assert "时钟无效（设备时间 9999-12-31 23:59:59），未用于计算录像时间" in out[0] and "秒" not in out[0]
    assert sum(line.strip().startswith("新登记") for line in out) == 2             # the two files, no fake line
    assert any("a\\n  新登记  b.MP4" in line for line in out)
    assert any("跳过  DCIM/100MEDIA/UP  跳过：符号链接，未读取" in line for line in out)
    assert any("跳过  DCIM/100MEDIA/PIPE.MP4  跳过：管道，未读取" in line for line in out)


def test_exit_codes_tell_incomplete_refused_and_internal_error_apart(home, tmp_path, capsys, monkeypatch):
    camera = _camera(tmp_path / "cam", clips=2)
    from jlclient.devices import pull as pull_module
    real = pull_module._store

    def unplugged(ctx, root, f, *a):                  # the first file's read fails: the camera was pulled out
        if f.path.endswith("0000.MP4"):
            raise pull_module.EvidenceError("读取记录仪文件失败：记录仪可能已被拔出")
        return real(ctx, root, f, *a)
    with monkeypatch.context() as m:
        m.setattr(pull_module, "_store", unplugged)
        assert _ingest(home, camera) == 1                                  # incomplete: dock again
    assert _ingest(home, tmp_path / "nothing-here") == 2                   # refused: not a camera

    def broken(*_a, **_k):
        raise RuntimeError("模拟的程序缺陷")
    monkeypatch.setattr("jlclient.services.cameras.dock_found", broken)
    capsys.readouterr()
    assert _ingest(home, camera) == 3
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err


def test_help_names_the_exit_codes(home, capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    assert "退出码：0 全部文件已拷贝" in capsys.readouterr().out
