# ports.sh — sourced by the shell tests (tests/e2e, tests/soak): free loopback ports.
#
# free_ports prints the first of four free ports in a row, below the kernel's ephemeral range
# (a port an outgoing connection happens to hold cannot be listened on): nothing listens on
# them and, when ss is there, no socket of any state uses them. Returns 1 after 100 tries.

port_used() {
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then
        return 0
    fi
    command -v ss >/dev/null 2>&1 && [ -n "$(ss -Htan "( sport = :$1 )" 2>/dev/null)" ]
}

free_ports() {
    local low base p ok tries=0
    low=$(awk '{print $1}' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
    [ "$low" -gt 12000 ] || low=32768
    while [ $tries -lt 100 ]; do
        tries=$((tries + 1))
        base=$((10000 + RANDOM % (low - 10010)))
        ok=1
        for p in $base $((base + 1)) $((base + 2)) $((base + 3)); do
            if port_used "$p"; then
                ok=0
            fi
        done
        if [ $ok -eq 1 ]; then
            echo "$base"
            return 0
        fi
    done
    return 1
}
