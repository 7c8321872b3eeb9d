# Sourced by the lab's scripts: makes sure the machine has what the lab runs on, installing it when it can.
# Needs: the .NET 10 SDK (not installed here: it says where to get it), and from Debian: postgresql, redis-server,
# and for the browser tests chromium.

lab_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

lab_say() { printf '\033[1;36m[lab]\033[0m %s\n' "$*" >&2; }

lab_need_packages() {
  local missing=()
  [ -x /usr/bin/redis-server ] || command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
  if [ "${LAB_NEED_BROWSER:-0}" = 1 ]; then
    [ -x /usr/bin/chromium ] || missing+=(chromium)
  fi
  [ ${#missing[@]} -eq 0 ] && return 0

  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      lab_say "Missing Debian packages: ${missing[*]}"
      lab_say "Install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
      return 1
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    lab_say "Missing: ${missing[*]} (no apt-get here: install PostgreSQL 15+ server binaries and redis-server with your package manager)"
    return 1
  fi
  lab_say "Installing ${missing[*]} with apt-get (once)..."
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # The Debian package starts its own cluster where an init system exists; the lab runs its own servers.
  if command -v service >/dev/null 2>&1; then
    $sudo service postgresql stop >/dev/null 2>&1 || true
    $sudo service redis-server stop >/dev/null 2>&1 || true
  fi
}

lab_need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    lab_say "The .NET 10 SDK is required: https://dotnet.microsoft.com/download (Debian: the packages.microsoft.com feed, package dotnet-sdk-10.0)."
    return 1
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
}
