# shellcheck shell=bash
# Shared by script/*: where the development environment lives and how to run a command inside it.
# Two kinds exist: a plain .venv made with a Python >= 3.14.2 from PATH (a developer laptop), or a
# minimal Debian sid root with Debian's python3.14 (machines without such a Python, and CI).

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache"
DEBIAN_ROOT="$CACHE_DIR/debian-sid"
HOST_VENV="$REPO_ROOT/.venv"
CHROOT_VENV="/opt/venv"            # path inside the Debian root
REQUIREMENTS="$REPO_ROOT/requirements_test.txt"
# Environment variables that reach commands run inside the Debian root (which starts from an empty
# environment): the API base URL overrides, and what CI and pytest read.
ENV_PASSTHROUGH=(WHOOP_API_URL WHATSAPP_GRAPH_URL CI PYTEST_ADDOPTS HYPOTHESIS_PROFILE WHOOP_E2E WHOOP_SLOW_TESTS)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Time a step and say how long it took.
timed() {
  local label="$1"; shift
  local start=$SECONDS
  log "$label"
  "$@"
  local status=$?
  log "$label: done in $((SECONDS - start)) s"
  return $status
}

python_is_recent_enough() {
  "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 14, 2) else 1)' 2>/dev/null
}

# Prints the first Python >= 3.14.2 found on PATH, if any.
find_host_python() {
  local candidate
  for candidate in python3.14 python3 python; do
    if command -v "$candidate" >/dev/null && python_is_recent_enough "$(command -v "$candidate")"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

# Which environment exists: "host", "debian" or "none".
environment_kind() {
  if [[ -x "$HOST_VENV/bin/python" ]] && python_is_recent_enough "$HOST_VENV/bin/python"; then
    echo host
  # (the venv's python is a symlink that only resolves inside the root: look for pyvenv.cfg)
  elif [[ -f "$DEBIAN_ROOT$CHROOT_VENV/pyvenv.cfg" && -f "$DEBIAN_ROOT/.whoop-ready" ]]; then
    echo debian
  else
    echo none
  fi
}

# Run a command inside the environment, from the repository root. In the Debian root the repository
# is bind-mounted at the same path, in a private mount namespace: every mount disappears when the
# command ends, however it ends (Ctrl-C, failure, kill), so nothing is ever left mounted.
run_in_env() {
  case "$(environment_kind)" in
    host)
      (cd "$REPO_ROOT" && PATH="$HOST_VENV/bin:$PATH" VIRTUAL_ENV="$HOST_VENV" "$@")
      ;;
    debian)
      local passthrough=() name
      for name in "${ENV_PASSTHROUGH[@]}"; do
        [[ -v $name ]] && passthrough+=("$name=${!name}")
      done
      unshare --mount --propagation private -- /bin/bash -c '
        set -e
        root="$1"; repo="$2"; venv="$3"; count="$4"; shift 4
        passthrough=("${@:1:$count}"); shift "$count"
        mount -t proc proc "$root/proc"
        mount --rbind /dev "$root/dev"
        mount -t sysfs sysfs "$root/sys" 2>/dev/null || true
        mount -t tmpfs tmpfs "$root/tmp"
        mkdir -p "$root/dev/shm" && mount -t tmpfs tmpfs "$root/dev/shm" 2>/dev/null || true
        # The repository last, so that no other mount (e.g. /tmp) hides it.
        mkdir -p "$root$repo"
        mount --bind "$repo" "$root$repo"
        cp /etc/resolv.conf "$root/etc/resolv.conf"
        exec chroot "$root" /usr/bin/env -i \
          HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" \
          PATH="$venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
          VIRTUAL_ENV="$venv" PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
          "${passthrough[@]}" \
          /bin/bash -c "cd \"\$0\" && exec \"\$@\"" "$repo" "$@"
      ' _ "$DEBIAN_ROOT" "$REPO_ROOT" "$CHROOT_VENV" "${#passthrough[@]}" "${passthrough[@]}" "$@"
      ;;
    *)
      die "no development environment yet: run script/setup"
      ;;
  esac
}
