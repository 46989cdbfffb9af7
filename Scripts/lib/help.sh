# Sourced by the scripts before they do anything: -h or --help as the first argument
# prints the script's header comment (what it does and its usage) and exits 0.
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"
    exit 0
fi
