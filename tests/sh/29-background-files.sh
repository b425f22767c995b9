# background jobs: several jobs write separate files concurrently; results combined after wait
cd "$TMPDIR_TEST" || exit 1
worker() {
	typeset id=$1 n=$2 i=0 s=0
	while [ $i -lt $n ]; do s=$((s + i * id)); echo "w$id item $i" >> "w$id.log"; i=$((i + 1)); done
	echo "$s" > "w$id.sum"
}
worker 1 100 & worker 2 50 & worker 3 200 & worker 4 10 & worker 5 150 &
wait
echo "all workers done: $?"
total=0
for id in 1 2 3 4 5; do
	s=$(<w$id.sum)
	lines=0; last=
	while read -r l; do lines=$((lines + 1)); last=$l; done < w$id.log
	echo "worker $id: sum=$s lines=$lines last='$last'"
	total=$((total + s))
done
echo "total: $total"
# jobs appending to one shared file with one line each; count, not order, is checked
i=0
while [ $i -lt 20 ]; do echo "line from job $i" >> shared.log & i=$((i + 1)); done
wait
n=0; while read -r l; do n=$((n + 1)); done < shared.log
echo "shared.log has $n lines"
# check each expected line is present, in fixed order
missing=0; i=0
while [ $i -lt 20 ]; do
	found=0; while read -r l; do [ "$l" = "line from job $i" ] && found=1; done < shared.log
	[ $found = 1 ] || missing=$((missing + 1)); i=$((i + 1))
done
echo "missing lines: $missing"
