#!/usr/bin/env bash
# Installs what `make run` / `make test` / `make bench` need and nothing more:
# missing Debian packages, then .venv from the lock file. A second run with
# nothing to install only compares a few checksums.
#   packaging/bootstrap.sh run|test
set -euo pipefail
kind=${1:-run}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
python=${PYTHON:-python3}

apt_lists=(packaging/apt-run.txt)
[ "$kind" = run ] || apt_lists+=(packaging/apt-test.txt)

missing_debian_packages() {
  grep -hv '^\s*\(#\|$\)' "${apt_lists[@]}" | while read -r pkg; do
    dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null | grep -q 'install ok installed' || echo "$pkg"
  done
}

install_debian_packages() {
  command -v dpkg-query >/dev/null 2>&1 || {
    echo "jlclient: 这不是 Debian/Ubuntu 系统，请手动安装以下软件包的等价物：" >&2
    grep -hv '^\s*\(#\|$\)' "${apt_lists[@]}" | tr '\n' ' ' >&2; echo >&2
    return 0
  }
  local missing
  missing=$(missing_debian_packages | tr '\n' ' ')
  [ -n "${missing// }" ] || return 0
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "jlclient: 安装系统软件包 (installing Debian packages): $missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
}

make_venv() {
  [ -x .venv/bin/python ] && return 0
  if ! "$python" -m venv .venv 2>/dev/null; then
    rm -rf .venv
    echo "jlclient: python3 -m venv failed; installing python3-venv"
    local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv
    "$python" -m venv .venv
  fi
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
}

# Run a noisy installer; show its output only when it fails.
quiet() {
  local log=.venv/install.log
  "$@" > "$log" 2>&1 || { cat "$log" >&2; echo "jlclient: 安装失败（见上方输出）" >&2; return 1; }
}

install_lock() {
  local lock=requirements/$1.lock stamp=.venv/.stamp-$1
  local want
  want=$(cat "$lock" pyproject.toml | sha256sum | cut -d' ' -f1)
  [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && return 0
  echo "jlclient: installing Python packages from $lock"
  quiet .venv/bin/python -m pip install --disable-pip-version-check -r "$lock"
  quiet .venv/bin/python -m pip install --disable-pip-version-check --no-deps --no-build-isolation -e .
  echo "$want" > "$stamp"
}

install_debian_packages
make_venv
install_lock run
[ "$kind" = run ] || install_lock test
