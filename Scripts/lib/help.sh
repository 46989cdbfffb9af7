# Sourced by the scripts before they do anything: -h or --help as the first argument
# prints the script's header comment (what it does and its usage) and exits 0;
# scripts that take options in a loop call print_help for -h there too.
# The header is the comment block after the shebang, up to its first line that is
# not a comment (never that line itself), without the licence tag.
print_help() {
    awk 'NR > 1 && !/^#/ { exit } NR > 1 && !/SPDX-License-Identifier/ { sub(/^# ?/, ""); print }' "$0"
}
if [[ "${1:-}" == -h || "${1:-}" == --help ]]; then
    print_help
    exit 0
fi
