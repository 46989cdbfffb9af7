# Sourced by the scripts before they do anything: -h or --help as the first argument
# prints the script's header comment (what it does and its usage) and exits 0.
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    # The comment block after the shebang, up to its first line that is not a comment
    # (never that line itself), without the licence tag.
    awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/SPDX-License-Identifier/ { sub(/^# ?/, ""); print }' "$0"
    exit 0
fi
