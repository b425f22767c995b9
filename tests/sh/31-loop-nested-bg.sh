# fork-heavy loops: nested subshells, subshells writing to a pipe, and background subshells in loops
cnt=0
for a in 1 2 3 4 5 6; do
	for b in 1 2 3 4 5 6 7 8; do
		( ( ( exit $((a * b % 7)) ) ) ); cnt=$((cnt + $?))
	done
done
echo "sum over 48 triple-nested subshells: $cnt"
i=0
while [ $i -lt 60 ]; do ( echo "line $i" ); i=$((i + 1)); done | {
	n=0; last=; while read -r l; do n=$((n + 1)); last=$l; done; echo "read $n lines, last: $last"
}
i=0
while [ $i -lt 60 ]; do ( exit 1 ) & i=$((i + 1)); done
wait
echo "60 background subshells waited, status $?"
i=0; s=0
while [ $i -lt 30 ]; do ( exit $i ) & p=$!; wait $p; s=$((s + $?)); i=$((i + 1)); done
echo "sum of 30 waited background statuses: $s"
