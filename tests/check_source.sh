#!/usr/bin/env bash
# Source check (run by ctest): banned C functions (curl's list) and trailing whitespace in the
# files git tracks. Prints every offending line and exits 1 if there is any.
set -u
top=${1:-.}
cd "$top" || exit 2
fail=0
if git rev-parse --git-dir >/dev/null 2>&1; then
    files=$(git ls-files --cached --others --exclude-standard)
else
    files=$(find . -type f -not -path './build*' -not -path './.git/*' -not -path '*/node_modules/*' | sed 's|^\./||')
fi
csrc=$(printf '%s\n' "$files" | grep -E '\.(c|h)$' || true)
if [ -n "$csrc" ]; then
    # A call of a banned function: the name, optional space, then '('; not part of a longer name
    # (the character before it is no identifier character), so snprintf, vsnprintf, fgets and
    # strtok_r never match, and a banned call on the same line as one of them still does.
    hits=$(printf '%s\n' "$csrc" | xargs -d '\n' grep -HnE '(^|[^A-Za-z0-9_])(sprintf|strcpy|strcat|strtok|atoi|gets)[[:space:]]*\(' 2>/dev/null || true)
    if [ -n "$hits" ]; then
        echo "banned functions (use snprintf, memcpy with lengths, strtol...):"
        printf '%s\n' "$hits"
        fail=1
    fi
fi
text=$(printf '%s\n' "$files" | grep -vE '\.(wasm|png|gz|tgz|bin)$' || true)
if [ -n "$text" ]; then
    ws=$(printf '%s\n' "$text" | xargs -d '\n' grep -nIE '[[:space:]]+$' 2>/dev/null || true)
    if [ -n "$ws" ]; then
        echo "trailing whitespace:"
        printf '%s\n' "$ws"
        fail=1
    fi
fi
if [ "$fail" = 0 ]; then
    echo "source check: ok"
fi
exit $fail
